// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    ovop_field::render::choose_mode();
    ovop_field::run();
}
