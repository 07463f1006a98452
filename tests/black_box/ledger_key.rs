//! The ledger key file through the real binary: `serve` creates the key with mode 0600 and never
//! logs it, refuses a key others can read or one named other than the log origin, and refuses
//! to sign a database's log with a new key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use basin_ledger::key_file::{create_private_key, read_private_key};
use common::audit::published_log_key;
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

/// Runs `serve` with its log stream (standard error) in a file, until `/healthz` answers.
fn serve_logging_to(
    directory: &Path,
    environment: &[(&str, &str)],
    log: &Path,
) -> (std::process::Child, String) {
    let port = free_port();
    let child = Command::new(BINARY)
        .arg("serve")
        .current_dir(directory)
        .env_remove("DATABASE_URL")
        .env("BIND", format!("127.0.0.1:{port}"))
        .envs(environment.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(log).unwrap())
        .spawn()
        .expect("binary starts");
    let base_url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while ureq::get(&format!("{base_url}/healthz")).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not become healthy"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, base_url)
}

#[test]
fn serve_creates_a_0600_key_named_by_the_origin_publishes_it_and_never_logs_it() {
    let directory = tempfile::tempdir().unwrap();
    let key_path = directory.path().join("basin-ledger.key");
    let log_path = directory.path().join("serve.log");
    let environment = [
        ("LOG_ORIGIN", "ledger.example.org/chaobai"),
        ("RUST_LOG", "debug"),
    ];
    let (mut child, base_url) = serve_logging_to(directory.path(), &environment, &log_path);
    assert_eq!(mode(&key_path), 0o600);
    let (name, signing_key) = read_private_key(&key_path).unwrap();
    assert_eq!(name, "ledger.example.org/chaobai");
    let keys: serde_json::Value = ureq::get(&format!("{base_url}/v1/keys"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let (origin, public_key) = published_log_key(&keys);
    assert_eq!(
        (origin.as_str(), public_key),
        (name.as_str(), signing_key.verifying_key())
    );
    let note = crate::common::publication::checkpoint_covering_over_http(&base_url, 0);
    basin_audit::note::verify_checkpoint(&note, &origin, &public_key).expect("checkpoint verifies");
    child.kill().unwrap();
    child.wait().unwrap();
    // The log stream never carries the private key, even at debug level.
    let key_text = fs::read_to_string(&key_path).unwrap();
    let secret = key_text
        .trim_end()
        .splitn(5, '+')
        .nth(4)
        .unwrap()
        .to_owned();
    let log = fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("created a new ledger key"), "{log}");
    assert!(!log.contains(&secret), "{log}");

    let server = ServerProcess::start(directory.path(), &environment);
    let again: serde_json::Value = ureq::get(&format!("{}/v1/keys", server.base_url))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(again, keys, "a restart keeps the key and its valid_from");
    assert!(server.terminate());
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
