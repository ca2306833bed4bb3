//! Without a keyring (no Secret Service on the session bus, as on a laptop without a desktop
//! keyring) the enrolment file keeps the token, readable by the user only. Its own process:
//! a D-Bus connection, once made, is kept for the process.

use ovop_app::sync::token::{self, Enrolment};

#[test]
fn without_a_keyring_the_token_stays_in_a_file_only_the_user_can_read() {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/ovop-bus",
    );
    // Windows always has its Credential Manager: no keyring is the setting there.
    if cfg!(windows) {
        std::env::set_var("OVOP_NO_KEYRING", "1");
    } else {
        std::env::remove_var("OVOP_NO_KEYRING");
    }
    let enrolment = Enrolment {
        server: "https://dinas.example.go.id".into(),
        token: "ovt_rahasia_sekali".into(),
        device_id: 42,
        server_id: "srv-tapin".into(),
        user: "budi".into(),
        enrolled_at: "2026-12-02T02:00:00Z".into(),
        token_in_keyring: false,
    };
    let other = tempfile::tempdir().expect("temp");
    assert!(
        !token::save(other.path(), &enrolment).expect("save"),
        "no keyring: the file keeps the token"
    );
    assert_eq!(
        token::load(other.path())
            .expect("load")
            .expect("enrolled")
            .token,
        "ovt_rahasia_sekali"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(token::enrolment_path(other.path()))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the user can read it");
    }
}
