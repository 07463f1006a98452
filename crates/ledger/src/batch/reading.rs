//! A reading that passed the rules, ready to store or to replay.

/// One reading, validated: times in UTC text, values as sorted literal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReading {
    pub section: String,
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub sampled_at: String,
    /// JSON object of parameter code → literal decimal text, keys sorted.
    pub values_json: String,
    /// JSON object of parameter code → HJ 212 flag letter, keys sorted; `None` when the reading
    /// carries no flags (absent or an empty object).
    pub flags_json: Option<String>,
    pub status: ReadingStatus,
    pub reason: Option<String>,
    pub revises: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingStatus {
    Valid,
    Invalid,
}

impl ReadingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Valid, Self::Invalid]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}
