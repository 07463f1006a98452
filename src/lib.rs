//! basin-ledger: a tamper-evident ledger for bidirectional ecological compensation.
//!
//! The pure cores live in their own crates (`basin-domain`: water quality and compensation
//! rules; `basin-audit`: canonical JSON, RFC 6962 tree, C2SP notes; `basin-ledger-core`: typed
//! log entries, batch rules, the settlement-input path, lifecycle decisions and the verifier).
//! This crate wraps them with storage (`store`, diesel on SQLite or PostgreSQL), HTTP (`api`,
//! actix-web) and the command line (`cli`).

pub mod api;
pub mod cli;
pub mod demo;
pub mod export;
pub mod hj212;
pub mod import;
pub mod key_file;
pub mod key_file_lock;
pub mod ledger_key;
pub mod model;
pub mod publish;
pub mod server;
pub mod store;
pub mod tokens;
pub mod verify;

/// mimalloc for every binary built on this crate (the server, the CLI, tests and benchmarks): a
/// settlement over a year allocates and frees some half a million small strings and maps, where
/// glibc's allocator spent a fifth of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
