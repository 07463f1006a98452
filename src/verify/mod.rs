//! The auditor's verifier is the ledger core's (`basin_ledger_core::replay`), which needs no
//! database; this module only does its I/O: bundles on disk, the HTTP client, and the
//! incremental verifier's state database.

pub mod chunk;
pub mod files;
pub mod reading_rows;
pub mod remote;
pub mod served;
pub mod state_store;

pub use basin_ledger_core::replay::{
    bundle, verify_bundle, Bundle, BundleEntry, Failure, LogKey, Report, SettlementRecomputation,
    VerifyOptions,
};
