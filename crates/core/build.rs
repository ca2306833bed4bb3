// The shipped criteria sets are embedded with include_dir!, which cargo does not track: rebuild
// when a file under assets/criteria/sets changes, appears or goes.
fn main() {
    println!("cargo:rerun-if-changed=../../assets/criteria/sets");
}
