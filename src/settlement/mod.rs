//! Settlements without storage: the signed document and its digests (`document`), the allowed
//! lifecycle transitions (`lifecycle`), period arithmetic for agreement versions (`periods`) and
//! the auditor's recomputation of logged settlements (`verify`). No database: the offline
//! verifier shares this code with the server.

pub mod document;
pub mod lifecycle;
pub mod periods;
pub mod recompute;
pub mod verification;
pub mod verify;
