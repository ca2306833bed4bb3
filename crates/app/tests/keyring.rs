//! The device token in the system keyring: on Linux a real Secret Service (GNOME Keyring on a
//! private D-Bus session bus, as a desktop session has), on Windows the Credential Manager
//! (under Wine, Wine's), keeps it and the file does not; without a keyring the file keeps it,
//! readable by the user only. On Linux needs `dbus-daemon` and `gnome-keyring-daemon`
//! (Debian's dbus and gnome-keyring; the test command installs them).

#[cfg(target_os = "linux")]
use std::io::{BufRead, BufReader, Write};
#[cfg(target_os = "linux")]
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ovop_app::sync::token::{self, Enrolment};

#[cfg(target_os = "linux")]
struct Session {
    children: Vec<Child>,
    _home: tempfile::TempDir,
}

#[cfg(target_os = "linux")]
impl Drop for Session {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A private session bus with an unlocked GNOME Keyring on it; its address.
#[cfg(target_os = "linux")]
fn session() -> (Session, String) {
    let home = tempfile::tempdir().expect("home");
    // A session bus that starts no service on demand: otherwise the first call, made before our
    // keyring has claimed its name, could start a second, locked keyring that takes the name.
    let config = home.path().join("bus.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            home.path().display()
        ),
    )
    .expect("bus config");
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon (Debian's dbus package) runs");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().expect("stdout"))
        .read_line(&mut address)
        .expect("the bus address");
    let address = address.trim().to_string();
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (Debian's gnome-keyring package) runs");
    keyring
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"kata-sandi-uji\n")
        .expect("unlock");
    (
        Session {
            children: vec![keyring, bus],
            _home: home,
        },
        address,
    )
}

fn enrolment() -> Enrolment {
    Enrolment {
        server: "https://dinas.example.go.id".into(),
        token: "ovt_rahasia_sekali".into(),
        device_id: 42,
        server_id: "srv-tapin".into(),
        user: "budi".into(),
        enrolled_at: "2026-12-02T02:00:00Z".into(),
        token_in_keyring: false,
    }
}

#[test]
fn the_token_goes_to_the_keyring_and_the_file_holds_none() {
    #[cfg(target_os = "linux")]
    let _session = {
        let (session, address) = session();
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
        session
    };
    std::env::remove_var("OVOP_NO_KEYRING");
    let dir = tempfile::tempdir().expect("temp");

    // The keyring takes a moment to appear on the bus.
    let started = Instant::now();
    let in_keyring = loop {
        let kept = token::save(dir.path(), &enrolment()).expect("save");
        if kept || started.elapsed() > Duration::from_secs(20) {
            break kept;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(in_keyring, "the Secret Service keeps the token");
    let file = std::fs::read_to_string(token::enrolment_path(dir.path())).expect("file");
    assert!(
        !file.contains("ovt_rahasia_sekali"),
        "the file holds no token: {file}"
    );
    assert!(file.contains("\"token_in_keyring\": true"));
    let loaded = token::load(dir.path()).expect("load").expect("enrolled");
    assert_eq!(loaded.token, "ovt_rahasia_sekali");
    assert_eq!(loaded.server, "https://dinas.example.go.id");

    // Forgetting removes the token from the keyring too: a later enrolment file naming the
    // keyring finds nothing there and says so.
    std::fs::copy(
        token::enrolment_path(dir.path()),
        dir.path().join("saved.json"),
    )
    .expect("copy");
    token::forget(dir.path()).expect("forget");
    assert_eq!(token::load(dir.path()).expect("gone"), None);
    std::fs::copy(
        dir.path().join("saved.json"),
        token::enrolment_path(dir.path()),
    )
    .expect("restore");
    assert_eq!(
        token::load(dir.path()).unwrap_err().code,
        "sync.keyring_unavailable"
    );
}
