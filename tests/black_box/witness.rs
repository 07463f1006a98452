//! `witness serve` conformance (c2sp.org/tlog-witness, add-checkpoint, as API.md pins it): every
//! malformed or hostile request the spec names gets its status and body, the happy paths are
//! cosigned with signatures the pure code verifies, and two racing submissions from one old
//! size never both succeed. In-process on the test's own database, plus the real binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};
use actix_web::App;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use basin_audit::hash::{empty_root, leaf_hash, Hash};
use basin_audit::note::{
    parse_cosigner_vkey, sign_checkpoint, sign_note, verify_cosignature, vkey, Checkpoint,
};
use basin_audit::tree::{consistency_proof, root};
use basin_audit::witness::WitnessedLogs;
use basin_audit::MemoryTree;
use basin_ledger::cli::witness::http::{configure, WitnessState};
use basin_ledger::cli::witness::store::WitnessStore;
use ed25519_dalek::SigningKey;

use crate::common::{self, server_process::free_port};

const ORIGIN: &str = "beijing.example/basin-ledger";
const WITNESS_NAME: &str = "hebei.example/witness";
const NOW: u64 = 1_780_000_000;

/// The log side: its key and a tree of `leaves` leaves to take checkpoints and proofs from.
struct Log {
    key: SigningKey,
    tree: MemoryTree,
}

impl Log {
    fn new() -> Self {
        Self {
            key: SigningKey::from_bytes(&[11; 32]),
            tree: MemoryTree::from_leaf_hashes((0..64_u64).map(|i| leaf_hash(&i.to_be_bytes()))),
        }
    }

    fn checkpoint(&self, size: u64) -> Checkpoint {
        Checkpoint {
            origin: ORIGIN.into(),
            size,
            root: root(size, &self.tree).unwrap(),
        }
    }

    fn note(&self, size: u64) -> String {
        sign_checkpoint(&self.checkpoint(size), &self.key).unwrap()
    }

    fn proof(&self, old: u64, size: u64) -> Vec<Hash> {
        consistency_proof(old, size, &self.tree).unwrap()
    }

    /// A request from `old` to `size` with the right proof (none from 0).
    fn request(&self, old: u64, size: u64) -> String {
        let proof = if old == 0 {
            Vec::new()
        } else {
            self.proof(old, size)
        };
        body(old, &proof, &self.note(size))
    }
}

fn body(old: u64, proof: &[Hash], note: &str) -> String {
    let lines: String = proof
        .iter()
        .map(|hash| format!("{}\n", STANDARD.encode(hash)))
        .collect();
    format!("old {old}\n{lines}\n{note}")
}

fn witness_key() -> SigningKey {
    SigningKey::from_bytes(&[22; 32])
}

fn logs_text(log: &Log) -> String {
    format!("log {}\n", vkey(ORIGIN, &log.key.verifying_key()).unwrap())
}

fn state(database: &common::TestDatabase, log: &Log) -> WitnessState {
    let logs = WitnessedLogs::parse(&logs_text(log)).unwrap();
    WitnessState {
        name: WITNESS_NAME.into(),
        signing_key: Arc::new(witness_key()),
        store: WitnessStore::open(&database.url, logs.origins()).unwrap(),
        logs: Arc::new(logs),
        clock: || NOW,
    }
}

struct Answer {
    status: u16,
    content_type: String,
    text: String,
}

async fn submit<S, B>(app: &S, body: impl Into<Vec<u8>>) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = TestRequest::post()
        .uri("/add-checkpoint")
        .set_payload(body.into())
        .to_request();
    let response = test::call_service(app, request).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = test::read_body(response).await;
    Answer {
        status,
        content_type,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Asserts a 200 whose body is one cosignature by the witness over `checkpoint_text`.
fn assert_cosigned(answer: &Answer, checkpoint_text: &str) {
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(
        answer.content_type.starts_with("text/plain"),
        "{}",
        answer.content_type
    );
    assert_eq!(answer.text.lines().count(), 1, "{}", answer.text);
    assert_eq!(
        verify_cosignature(
            checkpoint_text,
            &answer.text,
            WITNESS_NAME,
            &witness_key().verifying_key()
        ),
        Ok(NOW)
    );
}

fn assert_refused(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert!(
        answer.content_type.starts_with("text/plain"),
        "{}",
        answer.content_type
    );
    assert!(
        !answer.text.contains('\u{2014}'),
        "no cosignature: {}",
        answer.text
    );
}

macro_rules! witness {
    ($database:ident, $log:ident, $app:ident) => {
        let $database = common::TestDatabase::new();
        let $log = Log::new();
        let $app =
            test::init_service(App::new().configure(configure(state(&$database, &$log)))).await;
    };
}

#[actix_web::test]
async fn the_first_checkpoint_from_old_zero_is_cosigned_and_then_extended_with_a_proof() {
    witness!(database, log, app);
    let first = submit(&app, log.request(0, 3)).await;
    assert_cosigned(&first, &log.checkpoint(3).to_text());
    let extended = submit(&app, log.request(3, 13)).await;
    assert_cosigned(&extended, &log.checkpoint(13).to_text());
    let perfect = submit(&app, log.request(13, 16)).await;
    assert_cosigned(&perfect, &log.checkpoint(16).to_text());
}

#[actix_web::test]
async fn resubmitting_the_cosigned_size_is_cosigned_again_but_another_root_is_422() {
    witness!(database, log, app);
    assert_eq!(submit(&app, log.request(0, 5)).await.status, 200);
    let again = submit(&app, body(5, &[], &log.note(5))).await;
    assert_cosigned(&again, &log.checkpoint(5).to_text());
    let mut forked = log.checkpoint(5);
    forked.root[0] ^= 1;
    let note = sign_checkpoint(&forked, &log.key).unwrap();
    assert_refused(&submit(&app, body(5, &[], &note)).await, 422);
    // The cosigned tree did not move: a proof from 5 still extends it.
    assert_eq!(submit(&app, log.request(5, 9)).await.status, 200);
}

#[actix_web::test]
async fn a_stale_old_size_is_409_with_the_cosigned_size_as_tlog_size() {
    witness!(database, log, app);
    assert_eq!(submit(&app, log.request(0, 7)).await.status, 200);
    for old in [0, 3] {
        let proof = if old == 0 { vec![] } else { log.proof(old, 9) };
        let answer = submit(&app, body(old, &proof, &log.note(9))).await;
        assert_eq!(answer.status, 409, "{}", answer.text);
        assert_eq!(answer.content_type, "text/x.tlog.size");
        assert_eq!(answer.text, "7\n");
    }
    // An old size above the cosigned one is just as stale.
    let answer = submit(&app, log.request(8, 9)).await;
    assert_eq!((answer.status, answer.text.as_str()), (409, "7\n"));
}

#[actix_web::test]
async fn a_checkpoint_without_a_valid_log_signature_is_403() {
    witness!(database, log, app);
    let checkpoint = log.checkpoint(4);
    let impostor = SigningKey::from_bytes(&[99; 32]);
    let by_impostor = sign_checkpoint(&checkpoint, &impostor).unwrap();
    assert_refused(&submit(&app, body(0, &[], &by_impostor)).await, 403);

    // The right key name and id, but a signature that does not verify.
    let note = log.note(4);
    let (text, signature) = note.rsplit_once(' ').unwrap();
    let mut bytes = STANDARD.decode(signature.trim_end()).unwrap();
    bytes[10] ^= 1;
    let tampered = format!("{text} {}\n", STANDARD.encode(bytes));
    assert_refused(&submit(&app, body(0, &[], &tampered)).await, 403);

    // A checkpoint changed after signing.
    let changed = note.replacen("\n4\n", "\n5\n", 1);
    assert_refused(&submit(&app, body(0, &[], &changed)).await, 403);
}

#[actix_web::test]
async fn an_unknown_origin_is_404() {
    witness!(database, log, app);
    let checkpoint = Checkpoint {
        origin: "elsewhere.example/log".into(),
        ..log.checkpoint(2)
    };
    let note = sign_checkpoint(&checkpoint, &log.key).unwrap();
    assert_refused(&submit(&app, body(0, &[], &note)).await, 404);
}

#[actix_web::test]
async fn an_old_size_above_the_checkpoint_size_is_400() {
    witness!(database, log, app);
    assert_eq!(submit(&app, log.request(0, 6)).await.status, 200);
    assert_refused(&submit(&app, body(6, &[], &log.note(4))).await, 400);
}

#[actix_web::test]
async fn a_bad_consistency_proof_is_422_and_leaves_the_witnessed_tree_alone() {
    witness!(database, log, app);
    assert_eq!(submit(&app, log.request(0, 3)).await.status, 200);
    let mut proof = log.proof(3, 13);
    proof[1][31] ^= 0x80;
    assert_refused(&submit(&app, body(3, &proof, &log.note(13))).await, 422);
    let short = &log.proof(3, 13)[1..];
    assert_refused(&submit(&app, body(3, short, &log.note(13))).await, 422);
    assert_refused(&submit(&app, body(3, &[], &log.note(13))).await, 422);
    // A proof for other sizes does not prove this extension.
    assert_refused(
        &submit(&app, body(3, &log.proof(4, 13), &log.note(13))).await,
        422,
    );
    assert_eq!(submit(&app, log.request(3, 13)).await.status, 200);
}

#[actix_web::test]
async fn a_proof_sent_with_old_size_zero_is_422() {
    witness!(database, log, app);
    let proof = log.proof(1, 8);
    assert_refused(&submit(&app, body(0, &proof, &log.note(8))).await, 422);
}

#[actix_web::test]
async fn a_size_zero_checkpoint_needs_the_empty_root() {
    witness!(database, log, app);
    let wrong = Checkpoint {
        root: [0; 32],
        ..log.checkpoint(0)
    };
    let note = sign_checkpoint(&wrong, &log.key).unwrap();
    assert_refused(&submit(&app, body(0, &[], &note)).await, 422);
    assert_eq!(log.checkpoint(0).root, empty_root());
    let empty = submit(&app, body(0, &[], &log.note(0))).await;
    assert_cosigned(&empty, &log.checkpoint(0).to_text());
}

#[actix_web::test]
async fn extension_lines_and_unknown_signatures_are_cosigned_as_they_are() {
    witness!(database, log, app);
    let text = format!("{}extension: opaque\n", log.checkpoint(2).to_text());
    let signed = sign_note(&text, ORIGIN, &log.key).unwrap();
    let other = sign_note(
        &text,
        "someone.example/else",
        &SigningKey::from_bytes(&[5; 32]),
    )
    .unwrap();
    let other_line = other.rsplit_once("\n\n").unwrap().1;
    let note = format!("{signed}{other_line}");
    let answer = submit(&app, body(0, &[], &note)).await;
    assert_cosigned(&answer, &text);
}

#[actix_web::test]
async fn garbage_crlf_and_control_characters_are_400() {
    witness!(database, log, app);
    let valid = log.request(0, 3);
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"hello".to_vec(),
        vec![0xff, 0xfe, 0x00],
        valid.replace('\n', "\r\n").into_bytes(),
        valid.replacen("old 0\n", "old 0\r\n", 1).into_bytes(),
        valid.replacen("old 0", "old 00", 1).into_bytes(),
        valid.replacen("old 0", "old 0\u{7}", 1).into_bytes(),
        valid.replacen("\n\n", "\nnot base64!\n\n", 1).into_bytes(),
        valid.replacen("old 0\n\n", "old 0\n", 1).into_bytes(),
        format!("old 0\n\n{}", log.checkpoint(3).to_text()).into_bytes(),
        format!(
            "old 3\n{}\n{}",
            format!("{}\n", STANDARD.encode([1; 32])).repeat(64),
            log.note(9)
        )
        .into_bytes(),
    ];
    for body in bodies {
        let answer = submit(&app, body.clone()).await;
        assert_refused(&answer, 400);
        assert!(
            !answer.text.is_empty(),
            "{:?}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[actix_web::test]
async fn a_body_over_64_kib_is_413() {
    witness!(database, log, app);
    let padding = format!("{}\n", STANDARD.encode([1; 32])).repeat(1500);
    let answer = submit(&app, format!("old 0\n{padding}\n{}", log.note(3))).await;
    assert_refused(&answer, 413);
    // Within the limit the same witness still answers.
    assert_eq!(submit(&app, log.request(0, 3)).await.status, 200);
}

#[actix_web::test]
async fn two_submissions_racing_from_one_old_size_never_both_succeed() {
    witness!(database, log, app);
    let mut cosigned = 0;
    for round in 0..8 {
        let (small, large) = (cosigned + 1 + round % 2, cosigned + 3);
        let first = log.request(cosigned, small);
        let second = log.request(cosigned, large);
        let (a, b) = futures_util::future::join(submit(&app, first), submit(&app, second)).await;
        let winners: Vec<u64> = [(&a, small), (&b, large)]
            .iter()
            .filter(|(answer, _)| answer.status == 200)
            .map(|(_, size)| *size)
            .collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: {} and {}",
            a.status,
            b.status
        );
        let loser = if a.status == 200 { &b } else { &a };
        assert_eq!(loser.status, 409, "{}", loser.text);
        assert_eq!(loser.text, format!("{}\n", winners[0]));
        cosigned = winners[0];
    }
}

#[test]
fn witness_keygen_writes_a_private_key_and_serve_cosigns_over_http() {
    use std::os::unix::fs::PermissionsExt;
    let directory = tempfile::tempdir().unwrap();
    let key_path = directory.path().join("witness.key");
    let output = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args(["witness", "keygen", "--name", WITNESS_NAME, "--out"])
        .arg(&key_path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    let (name, public_key) = parse_cosigner_vkey(printed.trim_end()).unwrap();
    assert_eq!(name, WITNESS_NAME);
    let mode = std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&key_path)
        .unwrap()
        .starts_with("PRIVATE+KEY+hebei.example/witness+"));

    let log = Log::new();
    let logs_path = directory.path().join("logs.txt");
    std::fs::write(&logs_path, logs_text(&log)).unwrap();
    let port = free_port();
    let database = format!("sqlite://{}", directory.path().join("witness.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args(["witness", "serve", "--key"])
        .arg(&key_path)
        .arg("--logs")
        .arg(&logs_path)
        .args([
            "--database",
            &database,
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    assert_eq!(first_line, printed, "serve prints the same vkey");
    let url = format!("http://127.0.0.1:{port}/add-checkpoint");
    let started = Instant::now();
    let response = loop {
        match ureq::post(&url).send_string(&log.request(0, 10)) {
            Ok(response) => break response,
            Err(ureq::Error::Transport(_)) if started.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(error) => panic!("{error}"),
        }
    };
    assert_eq!(response.status(), 200);
    let text = response.into_string().unwrap();
    let timestamp = verify_cosignature(
        &log.checkpoint(10).to_text(),
        &text,
        WITNESS_NAME,
        &public_key,
    )
    .unwrap();
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    assert!(timestamp.abs_diff(now) < 300, "{timestamp} vs {now}");
    match ureq::post(&url).send_string(&log.request(0, 12)) {
        Err(ureq::Error::Status(409, response)) => {
            assert_eq!(response.content_type(), "text/x.tlog.size");
            assert_eq!(response.into_string().unwrap(), "10\n");
        }
        other => panic!("expected 409, got {other:?}"),
    }
    let _ = child.kill();
    let _ = child.wait();
}
