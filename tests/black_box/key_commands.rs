//! `keygen` and `sign` through the real binary: a new 0600 key file that is never overwritten,
//! and signatures that verify for their own context only.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use basin_audit::messages::{
    ack_message, parse_public_key_base64, settlement_message, verify_signature,
};
use basin_ledger::key_file::read_private_key;

const BINARY: &str = env!("CARGO_BIN_EXE_basin-ledger");
const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn run(arguments: &[&str]) -> Output {
    Command::new(BINARY)
        .args(arguments)
        .output()
        .expect("binary runs")
}

#[test]
fn keygen_writes_a_0600_key_and_sign_makes_signatures_that_verify() {
    let directory = tempfile::tempdir().unwrap();
    let key_path = directory.path().join("bj.key");
    let key_argument = key_path.to_str().unwrap();
    let output = run(&["keygen", "--name", "BJ", "--out", key_argument]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(mode(&key_path), 0o600);
    let printed = String::from_utf8(output.stdout).unwrap();
    let field = |label: &str| {
        printed
            .lines()
            .find_map(|line| line.strip_prefix(label))
            .unwrap_or_else(|| panic!("{label} in {printed}"))
            .to_owned()
    };
    let public_key = parse_public_key_base64(&field("public_key: ")).expect("printed public key");
    let (name, signing_key) = read_private_key(&key_path).unwrap();
    assert_eq!(
        (name.as_str(), public_key),
        ("BJ", signing_key.verifying_key())
    );
    assert_eq!(
        field("key_id: "),
        basin_audit::note::key_id_hex("BJ", &public_key)
    );
    assert_eq!(
        field("vkey: "),
        basin_audit::note::vkey("BJ", &public_key).unwrap()
    );

    let key_text = fs::read_to_string(&key_path).unwrap();
    let again = run(&["keygen", "--name", "BJ", "--out", key_argument]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));
    assert_eq!(
        fs::read_to_string(&key_path).unwrap(),
        key_text,
        "the key is untouched"
    );

    let signed = run(&[
        "sign",
        "--key",
        key_argument,
        "--context",
        "ack",
        "--hash",
        DIGEST,
    ]);
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let signature = String::from_utf8(signed.stdout)
        .unwrap()
        .trim_end()
        .to_owned();
    assert_eq!(
        verify_signature(&ack_message(DIGEST).unwrap(), &public_key, &signature),
        Ok(())
    );
    assert!(verify_signature(
        &settlement_message(DIGEST).unwrap(),
        &public_key,
        &signature
    )
    .is_err());

    let uppercase = run(&[
        "sign",
        "--key",
        key_argument,
        "--context",
        "ack",
        "--hash",
        &DIGEST.to_uppercase(),
    ]);
    assert!(!uppercase.status.success());
    let unknown = run(&[
        "sign",
        "--key",
        key_argument,
        "--context",
        "payment",
        "--hash",
        DIGEST,
    ]);
    assert!(!unknown.status.success());
    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644)).unwrap();
    let exposed = run(&[
        "sign",
        "--key",
        key_argument,
        "--context",
        "ack",
        "--hash",
        DIGEST,
    ]);
    assert!(!exposed.status.success());
    assert!(String::from_utf8_lossy(&exposed.stderr).contains("group or others"));
}
