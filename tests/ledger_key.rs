//! The ledger key file through the real binary: `serve` refuses a key others can read or one
//! named other than the log origin, and refuses to sign a database's log with a new key.

mod common;

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use basin_ledger::key_file::{create_private_key, read_private_key};
use common::server_process::{free_port, ServerProcess};
use ed25519_dalek::SigningKey;

const BINARY: &str = env!("CARGO_BIN_EXE_basin-ledger");

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs `serve`, which must refuse to start; returns what it printed on standard error.
fn serve_refuses(directory: &Path, environment: &[(&str, &str)]) -> String {
    let stderr_path = directory.join("refused.stderr");
    let mut child = Command::new(BINARY)
        .arg("serve")
        .current_dir(directory)
        .env_remove("DATABASE_URL")
        .env("BIND", format!("127.0.0.1:{}", free_port()))
        .envs(environment.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&stderr_path).unwrap())
        .spawn()
        .expect("binary starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("serve kept running although it should have refused to start");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    fs::read_to_string(stderr_path).unwrap()
}

#[test]
fn a_key_file_that_group_or_others_can_read_is_refused() {
    for permissions in [0o644, 0o640, 0o604] {
        let directory = tempfile::tempdir().unwrap();
        let key_path = directory.path().join("basin-ledger.key");
        create_private_key(
            &key_path,
            "localhost/basin-ledger",
            &SigningKey::from_bytes(&[4; 32]),
        )
        .unwrap();
        fs::set_permissions(&key_path, fs::Permissions::from_mode(permissions)).unwrap();
        let stderr = serve_refuses(directory.path(), &[]);
        assert!(
            stderr.contains("basin-ledger.key") && stderr.contains("group or others"),
            "{stderr}"
        );
        assert!(
            !directory.path().join("basin-ledger.db").exists(),
            "refused before the database is touched"
        );
    }
}

#[test]
fn a_key_named_other_than_the_log_origin_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let key_path = directory.path().join("ledger.key");
    create_private_key(
        &key_path,
        "example.org/other",
        &SigningKey::from_bytes(&[4; 32]),
    )
    .unwrap();
    let stderr = serve_refuses(directory.path(), &[("LEDGER_KEY_FILE", "ledger.key")]);
    assert!(
        stderr.contains("example.org/other") && stderr.contains("localhost/basin-ledger"),
        "{stderr}"
    );
    assert!(stderr.contains("LOG_ORIGIN"), "{stderr}");
}

#[test]
fn a_database_signed_by_one_key_refuses_a_new_or_different_key() {
    let directory = tempfile::tempdir().unwrap();
    let key_path = directory.path().join("basin-ledger.key");
    let server = ServerProcess::start(directory.path(), &[]);
    assert!(server.terminate());
    assert_eq!(mode(&key_path), 0o600, "the first start created the key");
    assert_eq!(
        read_private_key(&key_path).unwrap().0,
        "localhost/basin-ledger"
    );
    fs::rename(&key_path, directory.path().join("moved.key")).unwrap();
    let stderr = serve_refuses(directory.path(), &[]);
    assert!(stderr.contains("restore that key file"), "{stderr}");
    assert!(!key_path.exists(), "no stray new key is created");
    create_private_key(
        &key_path,
        "localhost/basin-ledger",
        &SigningKey::from_bytes(&[8; 32]),
    )
    .unwrap();
    let stderr = serve_refuses(directory.path(), &[]);
    assert!(stderr.contains("same key file"), "{stderr}");
}
