//! The ledger core: everything the server decides and the auditor re-checks, as pure code.
//!
//! - [`entry`]: the typed audit-log entries (one enum of kinds, one struct per body). The store
//!   appends through them and every reader (verifier, export, replay) decodes through them.
//! - [`batch`]: the rules a posted reading batch must pass, with typed field paths.
//! - [`settlement`]: the settlement document, the one path that gathers its inputs, and the
//!   lifecycle decisions.
//! - [`balances`]: balances per pair of jurisdictions and a jurisdiction's statement, as values
//!   and as CSV.
//! - [`replay`]: the verifier's replay of the log into typed ledger state.
//! - [`receipt`]: a settlement's offline-verifiable receipt (c2sp.org/tlog-proof).
//!
//! No database, no HTTP, no file system and no clock: time comes in as arguments, so the server
//! and an offline auditor run exactly this code.

pub mod balances;
pub mod batch;
pub mod entry;
pub mod receipt;
pub mod replay;
pub mod settlement;
pub mod time;
