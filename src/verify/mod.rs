//! The auditor's verifier is the ledger core's (`basin_ledger_core::replay`), which needs no
//! database; this module only reads and writes bundles on disk.

pub mod files;

pub use basin_ledger_core::replay::{
    bundle, verify_bundle, Bundle, BundleEntry, Failure, LogKey, Report, SettlementRecomputation,
    VerifyOptions,
};
