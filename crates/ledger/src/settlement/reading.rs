//! A counted reading as a settlement uses it, parsed once: exact values and flags for the
//! statistics, and the values and flags objects already in the digest's bytes. A year at three
//! sections is 26,280 readings and 210,240 values, so the texts read from storage are kept, not
//! rebuilt as a map of strings per reading.

use std::collections::BTreeMap;

use basin_domain::statistics::ReadingForStatistics;
use basin_domain::{ParameterCode, ValueFlag, ValueLiteral};
use chrono::{DateTime, Utc};

use super::counted::CountedReading;
use super::digest::{DigestedReading, FlaggedReading, UsedReading};
use super::stored_text::{rewritten_as_jcs, string_map};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputReading {
    pub id: i64,
    pub section: String,
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`, as stored.
    pub sampled_at: String,
    /// The values object in JCS (codes sorted, each literal as sent).
    values_text: String,
    /// The flags object in JCS, or `None` without flags.
    flags_text: Option<String>,
    /// Whether the stored texts were exactly these (as ingest writes them), none rewritten.
    stored_as_kept: bool,
    statistics: ReadingForStatistics,
}

/// A reading whose stored text cannot be used: the row was altered, whoever reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reading {id}: {problem}")]
pub struct ReadingProblem {
    pub id: i64,
    pub problem: String,
}

impl InputReading {
    /// Parses a counted reading's stored texts by the rules ingest applied to them.
    pub fn parse(reading: CountedReading) -> Result<Self, ReadingProblem> {
        Self::parse_with(reading, &mut Vec::new())
    }

    /// [`Self::parse`] with a buffer kept across readings.
    pub fn parse_with(
        reading: CountedReading,
        scratch: &mut Vec<u8>,
    ) -> Result<Self, ReadingProblem> {
        let refuse = |problem: String| ReadingProblem {
            id: reading.id,
            problem,
        };
        let (literals, values_are_jcs) = string_map(&reading.values_json).map_err(|error| {
            refuse(format!(
                "its values are not a JSON object of literals: {error}"
            ))
        })?;
        let (letters, flags_are_jcs) = match &reading.flags_json {
            None => (Vec::new(), true),
            Some(text) => string_map(text).map_err(|error| {
                refuse(format!(
                    "its flags are not a JSON object of letters: {error}"
                ))
            })?,
        };
        let sampled_at = DateTime::parse_from_rfc3339(&reading.sampled_at)
            .map_err(|error| refuse(format!("sampled_at {:?}: {error}", reading.sampled_at)))?
            .with_timezone(&Utc);
        let mut values = BTreeMap::new();
        for (code, literal) in &literals {
            let parameter = ParameterCode::parse(code)
                .map_err(|_| refuse(format!("unknown parameter {code:?}")))?;
            let value = ValueLiteral::measure_for(parameter, literal)
                .map_err(|error| refuse(format!("{code} {literal:?}: {error}")))?;
            values.insert(parameter, value);
        }
        let mut flags = BTreeMap::new();
        for (code, letter) in &letters {
            let parameter = ParameterCode::parse(code)
                .ok()
                .filter(|parameter| values.contains_key(parameter))
                .ok_or_else(|| refuse(format!("a flag for {code:?}, which has no value")))?;
            let flag = ValueFlag::parse(letter)
                .map_err(|error| refuse(format!("flag of {code} {letter:?}: {error}")))?;
            flags.insert(parameter, flag);
        }
        let values_rewritten = match values_are_jcs {
            true => None,
            false => rewritten_as_jcs(&literals, &reading.values_json, scratch),
        };
        let flags_rewritten = match &reading.flags_json {
            Some(stored) if !letters.is_empty() && !flags_are_jcs => {
                rewritten_as_jcs(&letters, stored, scratch)
            }
            _ => None,
        };
        let has_flags = !letters.is_empty();
        let stored_as_kept = values_rewritten.is_none()
            && flags_rewritten.is_none()
            && has_flags == reading.flags_json.is_some();
        Ok(Self {
            statistics: ReadingForStatistics {
                id: reading.id,
                sampled_at,
                values,
                flags,
            },
            values_text: values_rewritten.unwrap_or(reading.values_json),
            stored_as_kept,
            flags_text: match has_flags {
                true => flags_rewritten.or(reading.flags_json),
                false => None,
            },
            id: reading.id,
            section: reading.section,
            sampled_at: reading.sampled_at,
        })
    }

    pub fn statistics(&self) -> &ReadingForStatistics {
        &self.statistics
    }

    /// The values object exactly as the digest writes it.
    pub fn values_jcs(&self) -> &str {
        &self.values_text
    }

    /// Whether the stored values and flags texts are exactly [`Self::values_jcs`] and
    /// [`Self::flags_jcs`].
    pub fn stored_as_kept(&self) -> bool {
        self.stored_as_kept
    }

    /// The flags object exactly as the digest writes it, or `None` without flags.
    pub fn flags_jcs(&self) -> Option<&str> {
        self.flags_text.as_deref()
    }

    /// The texts the digest reads and the statistics the evaluation takes, apart: a settlement
    /// runs the two side by side, each owning its part, with nothing copied.
    pub fn into_parts(self) -> (ReadingText, ReadingForStatistics) {
        let text = ReadingText {
            id: self.id,
            section: self.section,
            sampled_at: self.sampled_at,
            values_text: self.values_text,
            flags_text: self.flags_text,
        };
        (text, self.statistics)
    }
}

/// What the digest reads of a counted reading: its id, section, instant and JCS objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingText {
    id: i64,
    section: String,
    sampled_at: String,
    values_text: String,
    flags_text: Option<String>,
}

impl DigestedReading for ReadingText {
    fn id(&self) -> i64 {
        self.id
    }
    fn section(&self) -> &str {
        &self.section
    }
    fn sampled_at(&self) -> &str {
        &self.sampled_at
    }
    fn has_flags(&self) -> bool {
        self.flags_text.is_some()
    }
    fn write_flags(&self, output: &mut Vec<u8>) {
        output.extend_from_slice(self.flags_text.as_deref().unwrap_or("{}").as_bytes());
    }
    fn write_values(&self, output: &mut Vec<u8>) {
        output.extend_from_slice(self.values_text.as_bytes());
    }
}

impl TryFrom<FlaggedReading> for InputReading {
    type Error = ReadingProblem;

    fn try_from(flagged: FlaggedReading) -> Result<Self, ReadingProblem> {
        let text = |map: &BTreeMap<String, String>| serde_json::to_string(map);
        let reading = flagged.reading;
        let refuse = |error: serde_json::Error| ReadingProblem {
            id: reading.id,
            problem: error.to_string(),
        };
        let values_json = text(&reading.values).map_err(refuse)?;
        let flags_json = match flagged.flags.is_empty() {
            true => None,
            false => Some(text(&flagged.flags).map_err(refuse)?),
        };
        Self::parse(CountedReading {
            id: reading.id,
            section: reading.section,
            sampled_at: reading.sampled_at,
            values_json,
            flags_json,
        })
    }
}

impl TryFrom<UsedReading> for InputReading {
    type Error = ReadingProblem;

    fn try_from(reading: UsedReading) -> Result<Self, ReadingProblem> {
        Self::try_from(FlaggedReading::from(reading))
    }
}
