//! The command line: `serve`, `migrate`, `token create`, `keygen`, `sign`, `openapi`, and the
//! witness server (`witness keygen`, `witness serve`), the HJ 212 gateway (`hj212 serve`,
//! `hj212 simulate`).

pub mod audit;
pub mod hj212;
pub mod key_rotate;
mod keys;
pub mod policy_check;
pub mod receipt;
pub mod tokens;
pub mod verify_remote;
pub mod witness;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use keys::{keygen, sign, GeneratedKey, KeyCommandError};

use crate::api::LogRead;
use crate::ledger_key::{LEDGER_KEY_FILE_DEFAULT, LOG_ORIGIN_DEFAULT};
use crate::model::access::Role;
use crate::publish::{CHECKPOINT_INTERVAL_MS_DEFAULT, CHECKPOINT_INTERVAL_MS_MAX};
use crate::store::DATABASE_URL_DEFAULT;

#[derive(Debug, Parser)]
#[command(
    name = "basin-ledger",
    version,
    about = "A tamper-evident ledger for water-quality compensation between upstream and downstream jurisdictions",
    long_about = "basin-ledger records monitoring readings, evaluates compensation agreements into exact \
                  payment obligations and keeps every change in a signed, hash-chained audit log.\n\n\
                  Start with `basin-ledger serve`: it creates the database (SQLite by default), prints a \
                  one-time admin token and listens on http://127.0.0.1:8080 (API docs at /docs)."
)]
pub struct Cli {
    /// Database: sqlite://PATH (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DATABASE_URL_DEFAULT, global = true)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first; prints an admin token on first start).
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// A read replica of DATABASE_URL (PostgreSQL streaming replica, say): GET endpoints of
        /// the registry, readings, agreements, settlements and balances read from it. The log
        /// (checkpoints, proofs, tiles, receipts) and every token check stay on DATABASE_URL.
        #[arg(long, env = "DATABASE_READ_URL")]
        database_read_url: Option<String>,
        /// Requests per second each access token may sustain (over it: 429 with Retry-After).
        #[arg(long, env = "RATE_LIMIT_PER_SECOND", default_value_t = 200)]
        rate_limit_per_second: u64,
        /// Requests a token may send in a burst above the sustained rate.
        #[arg(long, env = "RATE_LIMIT_BURST", default_value_t = 400)]
        rate_limit_burst: u64,
        /// The ledger's private key file (created with mode 0600 on first start; refused if
        /// group or others may read it, or if its key name is not the log origin).
        #[arg(long, env = "LEDGER_KEY_FILE", default_value = LEDGER_KEY_FILE_DEFAULT)]
        ledger_key_file: PathBuf,
        /// The log's origin: the first line of every checkpoint and the ledger key's name.
        #[arg(long, env = "LOG_ORIGIN", default_value = LOG_ORIGIN_DEFAULT)]
        log_origin: String,
        /// The shortest time between two signed checkpoints, in milliseconds: the ledger signs
        /// when the log grows, at most this often.
        #[arg(long, env = "CHECKPOINT_INTERVAL_MS", default_value_t = CHECKPOINT_INTERVAL_MS_DEFAULT,
              value_parser = clap::value_parser!(u64).range(1..=CHECKPOINT_INTERVAL_MS_MAX))]
        checkpoint_interval_ms: u64,
        /// Who may read the log's tiles and receipts: `tokens` (any valid token) or `public`.
        #[arg(long, env = "LOG_READ", value_enum, default_value_t = LogRead::Tokens)]
        log_read: LogRead,
        /// A c2sp.org/tlog-policy file: every new checkpoint goes to its witnesses, and only
        /// checkpoints whose cosignatures meet its quorum are published.
        #[arg(long, env = "WITNESS_POLICY_FILE")]
        witness_policy: Option<PathBuf>,
        /// Load the real-data demo first (Miyun/Chaobai and Guanting/Yongding registry, CNEMC
        /// readings 2020-05..2021-04, example agreements, their settlements). Idempotent.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage access tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Create an Ed25519 key file (PRIVATE+KEY+<name>+<key id>+<key>, mode 0600) and print its
    /// public key and key id. Refuses to overwrite an existing file.
    Keygen {
        /// The key's name: a jurisdiction code (bureau key), a station code, or the log origin.
        #[arg(long)]
        name: String,
        /// The file to create.
        #[arg(long)]
        out: PathBuf,
    },
    /// The ledger's own key.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Sign a digest with a key file and print the base64 signature.
    Sign {
        /// A key file written by `keygen`.
        #[arg(long)]
        key: PathBuf,
        /// What the signature is for: settlement (the ledger issuing), ack (a party
        /// acknowledging a settlement) or readings (a station's batch).
        #[arg(long, value_parser = ["settlement", "ack", "readings"])]
        context: String,
        /// The digest signed over: 64 lowercase hex digits (document_sha256, or SHA-256 of
        /// the readings request body).
        #[arg(long)]
        hash: String,
    },
    /// Print the OpenAPI document (the same one the server serves at /openapi.json).
    Openapi,
    /// Write an auditor's bundle: the log's entries, a fresh signed checkpoint, the log key, every
    /// reading batch body and every reading. The bundle is verified before the command succeeds.
    Export {
        /// The folder to write (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The ledger's private key file (to sign the checkpoint of the current size).
        #[arg(long, env = "LEDGER_KEY_FILE", default_value = "basin-ledger.key")]
        ledger_key_file: PathBuf,
        /// The log's origin (the ledger key's name).
        #[arg(long, env = "LOG_ORIGIN", default_value = "localhost/basin-ledger")]
        log_origin: String,
    },
    /// Verify the ledger without trusting its operator: every leaf hash and chain link, the root
    /// against the signed checkpoint, consistency with an older checkpoint, station signatures,
    /// and every served reading against the evidence. Exits non-zero naming the first bad entry.
    Verify {
        /// A running server to fetch everything from (needs --token).
        #[arg(long, conflicts_with_all = ["bundle", "receipt"], required_unless_present_any = ["bundle", "receipt"])]
        url: Option<String>,
        /// A folder written by `export` (offline).
        #[arg(long, conflicts_with = "receipt")]
        bundle: Option<PathBuf>,
        /// A settlement receipt (GET /v1/settlements/{id}/receipt), checked offline with --vkey.
        #[arg(long, requires = "vkey")]
        receipt: Option<PathBuf>,
        /// The ledger's vkey as /v1/keys shows it (`<origin>+<key id>+<base64 key>`), for --receipt.
        /// Repeat it for a rotated key: the checkpoint may be signed by the new key and the
        /// settlement by the retired one.
        #[arg(long)]
        vkey: Vec<String>,
        /// Any token (an auditor token is enough) for --url.
        #[arg(long, env = "BASIN_LEDGER_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// A checkpoint seen before: the log must extend it. The new checkpoint is written back.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// A c2sp.org/tlog-policy file: the checkpoint (and the one seen before, or the
        /// receipt's) must carry cosignatures that meet its quorum, and the log must extend the
        /// checkpoint seen.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// With --url: verify incrementally, keeping the verified checkpoint and replayed state
        /// in this folder (created if missing); a later run fetches only what is new.
        #[arg(long, requires = "url")]
        state: Option<PathBuf>,
    },
    /// Import published monitoring data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The HJ 212 gateway for stations' data loggers, and a logger simulator.
    Hj212 {
        #[command(subcommand)]
        command: hj212::Hj212Command,
    },
    /// Run a C2SP tlog-witness for other parties' ledgers (its own key, logs file and database).
    Witness {
        #[command(subcommand)]
        command: WitnessCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Replace the ledger key (run while the server is stopped): the new key goes to
    /// LEDGER_KEY_FILE, the old one stays beside it as <LEDGER_KEY_FILE>.<key id>.retired and
    /// co-signs checkpoints for the overlap; the log gets key.added for the new key.
    Rotate {
        /// How long the old key keeps co-signing checkpoints, in seconds.
        #[arg(long, default_value_t = key_rotate::OVERLAP_SECONDS_DEFAULT)]
        overlap_seconds: u64,
        /// The ledger's private key file, as for `serve`.
        #[arg(long, env = "LEDGER_KEY_FILE", default_value = LEDGER_KEY_FILE_DEFAULT)]
        ledger_key_file: PathBuf,
        /// The log's origin, as for `serve`.
        #[arg(long, env = "LOG_ORIGIN", default_value = LOG_ORIGIN_DEFAULT)]
        log_origin: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Create the witness key file (mode 0600) and print the witness vkey
    /// <name>+<key id>+<base64(0x04 ‖ public key)> that logs and verifiers pin.
    /// Refuses to overwrite an existing file.
    Keygen {
        /// The witness's name, a schema-less URL such as witness.hebei.example/w1.
        #[arg(long)]
        name: String,
        /// The key file to create.
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve POST /add-checkpoint (c2sp.org/tlog-witness) for the logs in --logs.
    Serve {
        /// A key file written by `witness keygen`.
        #[arg(long, env = "WITNESS_KEY_FILE")]
        key: PathBuf,
        /// One `log <vkey>` line per witnessed log (the origin is the vkey's name).
        #[arg(long, env = "WITNESS_LOGS_FILE")]
        logs: PathBuf,
        /// The witness's own database: sqlite://PATH or a PostgreSQL URL.
        #[arg(long, env = "WITNESS_DATABASE_URL")]
        database: String,
        /// Address and port to listen on.
        #[arg(long, env = "WITNESS_BIND", default_value = "127.0.0.1:8090")]
        bind: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A CSV or JSON day file of the national surface-water monitoring system (国家地表水水质自动监测).
    ///
    /// Each station's rows become one reading batch (batch id cnemc-<file hash>), so importing
    /// the same file again creates nothing. Prints a JSON summary with line-numbered rejects.
    Cnemc {
        /// The published file (17-column CSV, its extended variants, or a raw JSON day file).
        file: std::path::PathBuf,
        /// CSV with header `province,name,station` mapping published stations to station codes.
        #[arg(long)]
        map: std::path::PathBuf,
        /// The year of rows whose file has no date column (times are published without a year).
        #[arg(long)]
        year: Option<i32>,
        /// Revise stored readings that a re-publication changed, instead of reporting conflicts.
        #[arg(long)]
        revise: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Mint a token and print it once on standard output (only its hash is stored); its id,
    /// to list and revoke it by, goes to standard error.
    Create {
        /// admin, bureau (needs --subject JURISDICTION), station (needs --subject STATION) or auditor.
        #[arg(long, value_enum)]
        role: Role,
        /// The jurisdiction code (bureau) or station code (station) the token acts for.
        #[arg(long)]
        subject: Option<String>,
        /// A note to recognise the token by (who holds it).
        #[arg(long)]
        label: Option<String>,
        /// The token stops working this many seconds from now (default: never; revoke it).
        #[arg(long)]
        expires_in: Option<u64>,
    },
    /// One line per token: id, role, subject, label, created, last used, expires, revoked.
    /// Never the secret, which is not stored.
    List,
    /// Revoke a token by its id: every server on the database refuses it from its next request.
    Revoke {
        /// The token's id (`token list`).
        id: i64,
    },
}
