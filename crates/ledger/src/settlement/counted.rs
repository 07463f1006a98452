//! A reading that counts, as an input source holds it.

/// A reading that counts, as the source holds it (values as stored JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedReading {
    pub id: i64,
    pub section: String,
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub sampled_at: String,
    pub values_json: String,
    /// The flags object as stored, or `None` without flags.
    pub flags_json: Option<String>,
}
