//! Resources as the API returns them and the audit log records them. One shape for both, so a
//! log entry's body is exactly what `GET` showed at that moment.

pub mod access;
pub mod agreement;
pub mod balances;
pub mod registry;
pub mod settlement;
pub mod time;
