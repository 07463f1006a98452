//! Witness policies (c2sp.org/tlog-policy): strict parsing with errors naming the line, quorum
//! evaluation over nested groups, and checking a cosigned checkpoint note against a policy.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use basin_audit::note::{cosignature_line, cosigner_vkey, sign_checkpoint, vkey, Checkpoint};
use basin_audit::policy::{Policy, PolicyCheckError, PolicyError, PolicyErrorKind};
use ed25519_dalek::SigningKey;

const ORIGIN: &str = "beijing.example/basin-ledger";

fn log_key() -> SigningKey {
    SigningKey::from_bytes(&[1; 32])
}

fn witness_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn witness_vkey(seed: u8) -> String {
    cosigner_vkey(
        &format!("w{seed}.example"),
        &witness_key(seed).verifying_key(),
    )
    .unwrap()
}

fn log_line() -> String {
    format!("log {}", vkey(ORIGIN, &log_key().verifying_key()).unwrap())
}

/// Two provinces: Beijing's witnesses 2 of 3, Hebei's any of 2, both groups needed.
fn two_level_policy() -> String {
    format!(
        "# The Beijing–Hebei ledger\n{}\n\n\
         witness B1 {} https://w.bj.example/1\n\
         witness B2 {} https://w.bj.example/2\n\
         witness B3 {}\n\
         group beijing 2 B1 B2 B3\n\
         \twitness H1 {} https://w.he.example\t\n\
         witness H2 {}\n\
         group hebei any H1 H2\n\
         group both all beijing hebei\n\
         quorum both\n",
        log_line(),
        witness_vkey(11),
        witness_vkey(12),
        witness_vkey(13),
        witness_vkey(21),
        witness_vkey(22)
    )
}

#[test]
fn a_two_level_policy_parses_and_its_quorum_needs_both_groups() {
    let policy = Policy::parse(&two_level_policy()).unwrap();
    assert_eq!(policy.logs().len(), 1);
    assert_eq!(policy.logs()[0].origin, ORIGIN);
    let names: Vec<&str> = policy.witnesses().iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["B1", "B2", "B3", "H1", "H2"]);
    assert_eq!(
        policy.witnesses()[3].url.as_deref(),
        Some("https://w.he.example")
    );
    assert_eq!(policy.witnesses()[2].url, None);
    assert_eq!(policy.witnesses()[0].key_name, "w11.example");
    for (cosigners, met) in [
        (&["B1", "B2", "H1"][..], true),
        (&["B1", "B3", "H2"][..], true),
        (&["B1", "H1", "H2"][..], false),
        (&["B1", "B2", "B3"][..], false),
        (&[][..], false),
    ] {
        assert_eq!(policy.quorum_met_by(cosigners), met, "{cosigners:?}");
    }
}

#[test]
fn quorum_none_needs_no_cosignature_and_a_single_witness_quorum_needs_it() {
    let none = Policy::parse("quorum none\n").unwrap();
    assert!(none.quorum_met_by(&[]));
    let one = Policy::parse(&format!("witness X {}\nquorum X\n", witness_vkey(11))).unwrap();
    assert!(!one.quorum_met_by(&[]));
    assert!(one.quorum_met_by(&["X"]));
}

fn error_of(text: &str) -> PolicyError {
    Policy::parse(text).expect_err(text)
}

#[test]
fn every_malformed_policy_is_refused_naming_its_line() {
    let w11 = witness_vkey(11);
    let w12 = witness_vkey(12);
    let cases: Vec<(String, usize, PolicyErrorKind)> = vec![
        (String::new(), 0, PolicyErrorKind::NoQuorum),
        (format!("witness A {w11}\n"), 0, PolicyErrorKind::NoQuorum),
        (
            "quorum none\nquorum none\n".into(),
            2,
            PolicyErrorKind::SecondQuorum,
        ),
        (
            "quorum X\n".into(),
            1,
            PolicyErrorKind::UndefinedName("X".into()),
        ),
        (
            "\nwitnes A x\n".into(),
            2,
            PolicyErrorKind::UnknownKeyword("witnes".into()),
        ),
        (
            format!("witness none {w11}\nquorum none\n"),
            1,
            PolicyErrorKind::ReservedName("none".into()),
        ),
        (
            format!("witness A {w11}\nwitness A {w12}\nquorum A\n"),
            2,
            PolicyErrorKind::DuplicateName("A".into()),
        ),
        (
            format!("witness A {w11}\nwitness B {w11}\nquorum A\n"),
            2,
            PolicyErrorKind::DuplicateKey(1),
        ),
        (
            format!("witness A {w11}\ngroup G 2 A\nquorum G\n"),
            2,
            PolicyErrorKind::BadThreshold("2".into()),
        ),
        (
            format!("witness A {w11}\ngroup G 0 A\nquorum G\n"),
            2,
            PolicyErrorKind::BadThreshold("0".into()),
        ),
        (
            format!("witness A {w11}\ngroup G 01 A\nquorum G\n"),
            2,
            PolicyErrorKind::BadThreshold("01".into()),
        ),
        (
            format!("witness A {w11}\ngroup G any A A\nquorum G\n"),
            2,
            PolicyErrorKind::DuplicateMember("A".into()),
        ),
        (
            format!("group G any A\nwitness A {w11}\nquorum G\n"),
            1,
            PolicyErrorKind::UndefinedName("A".into()),
        ),
        (
            format!("witness A {w11}\ngroup G any none\nquorum A\n"),
            2,
            PolicyErrorKind::UndefinedName("none".into()),
        ),
        (
            format!("witness A {w11}\ngroup G any\nquorum A\n"),
            2,
            PolicyErrorKind::Shape("group <name> all|any|<k> <member>..."),
        ),
        (
            format!("witness A {w11} url extra\nquorum A\n"),
            1,
            PolicyErrorKind::Shape("witness <name> <vkey> [<url>]"),
        ),
        (
            format!("witness A {w11}\r\nquorum A\n"),
            1,
            PolicyErrorKind::ControlCharacter,
        ),
        (
            "quorum none\n\u{7f}\n".into(),
            2,
            PolicyErrorKind::ControlCharacter,
        ),
    ];
    for (text, line, kind) in cases {
        assert_eq!(error_of(&text), PolicyError { line, kind }, "{text:?}");
    }
    // A witness key must be a cosigner (0x04) vkey; a log key a note (0x01) vkey.
    let note_key = vkey("w.example", &witness_key(11).verifying_key()).unwrap();
    let error = error_of(&format!("witness A {note_key}\nquorum A\n"));
    assert!(
        matches!(error.kind, PolicyErrorKind::BadKey(_)) && error.line == 1,
        "{error}"
    );
    let error = error_of(&format!("log {w11}\nquorum none\n"));
    assert!(
        matches!(error.kind, PolicyErrorKind::BadKey(_)) && error.line == 1,
        "{error}"
    );
    assert!(error.to_string().starts_with("policy line 1: "), "{error}");
    let huge = format!("quorum none\n#{}\n", "x".repeat(70 * 1024));
    assert_eq!(error_of(&huge).kind, PolicyErrorKind::TooLarge);
}

fn cosigned_note(size: u64, witnesses: &[u8]) -> String {
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size,
        root: [7; 32],
    };
    let mut note = sign_checkpoint(&checkpoint, &log_key()).unwrap();
    for seed in witnesses {
        let name = format!("w{seed}.example");
        note.push_str(
            &cosignature_line(
                &checkpoint.to_text(),
                &name,
                &witness_key(*seed),
                1_780_000_000,
            )
            .unwrap(),
        );
    }
    note
}

#[test]
fn a_checkpoint_note_is_checked_for_the_log_signature_the_cosignatures_and_the_quorum() {
    let policy = Policy::parse(&two_level_policy()).unwrap();
    let accepted = policy
        .check_checkpoint(&cosigned_note(5, &[11, 13, 22]))
        .unwrap();
    assert_eq!(accepted.checkpoint.size, 5);
    assert_eq!(accepted.cosigners, ["B1", "B3", "H2"]);
    // Unknown witnesses' lines are ignored, and do not count.
    assert_eq!(
        policy.check_checkpoint(&cosigned_note(5, &[11, 99, 22])),
        Err(PolicyCheckError::QuorumNotMet {
            cosigners: vec!["B1".into(), "H2".into()]
        })
    );
    // A cosignature over another checkpoint does not verify: the note is refused.
    let other = cosigned_note(6, &[12]);
    let line = other.lines().last().unwrap();
    let forged = format!("{}{line}\n", cosigned_note(5, &[11, 22]));
    assert!(matches!(
        policy.check_checkpoint(&forged),
        Err(PolicyCheckError::BadCosignature { witness, .. }) if witness == "B2"
    ));
    // The log's own signature is required when the policy lists the log.
    let unsigned_by_log = cosigned_note(5, &[11, 12, 21])
        .replace(&format!("\u{2014} {ORIGIN} "), "\u{2014} someone.else ");
    assert!(matches!(
        policy.check_checkpoint(&unsigned_by_log),
        Err(PolicyCheckError::LogSignature { .. })
    ));
}
