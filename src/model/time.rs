//! The one text form of instants: the ledger core's (UTC, whole seconds).

pub use basin_ledger_core::time::{parse_instant, utc_text};
