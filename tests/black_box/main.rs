//! The black-box suite, as one test binary: each module is one area of the contract, tested
//! through HTTP, the CLI or the store, on SQLite and (with `DATABASE_URL`) PostgreSQL. One binary
//! links the server once instead of once per file, which is most of a fresh `cargo test`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

mod agreements;
mod architecture;
mod assessment;
mod authorization_matrix;
mod balances;
mod crash_safety;
mod dashboard;
mod demo;
mod deployment;
mod exceedance;
mod full_cycle;
mod group_commit;
mod hj212;
mod hostile_bodies;
mod import_cnemc;
mod key_commands;
mod key_rotation;
mod ledger_core;
mod ledger_key;
mod limits;
mod log;
mod log_integrity;
mod log_two_servers;
mod no_binary_floats;
mod openapi;
mod publication;
mod query_plans;
mod read_replica;
mod readings;
mod receipts;
mod registry;
mod schema_parity;
mod secrets;
mod serve_binary;
mod settlement_lifecycle;
mod settlement_verification;
mod settlements;
mod slow_clients;
mod station_keys;
mod tiles;
mod tokens;
mod value_flags;
mod verify_bundle;
mod verify_cli;
mod verify_state;
mod witness;
mod witnessed_log;
