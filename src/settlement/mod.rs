//! Settlements without storage: the signed document and its digests (`document`), which
//! lifecycle transitions are allowed (`lifecycle`), and period arithmetic for agreement versions
//! (`periods`). Pure, so the offline verifier can share them with the server.

pub mod document;
pub mod lifecycle;
pub mod periods;
