//! Settlements without storage: the signed document and its digests (`document`), the one
//! input path (`inputs`, checked against the batch `evidence`, each reading parsed once into a
//! `reading` from its `stored_text`), the lifecycle rules and the
//! decisions they make (`lifecycle`, `decisions`), and period arithmetic (`periods`).

mod counted;
pub mod decisions;
#[cfg(test)]
mod decisions_tests;
mod digest;
pub mod document;
pub mod evidence;
pub mod inputs;
pub mod lifecycle;
pub mod periods;
pub mod reading;
pub mod recompute;
mod stored_text;
