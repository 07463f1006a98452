//! A counted reading as a settlement uses it, parsed once: exact values and flags for the
//! statistics, and the values and flags objects already in the digest's bytes. A year at three
//! sections is 26,280 readings and 210,240 values, so the texts read from storage are kept, not
//! rebuilt as a map of strings per reading.

use std::borrow::Cow;
use std::collections::BTreeMap;

use basin_domain::statistics::ReadingForStatistics;
use basin_domain::{ParameterCode, ValueFlag, ValueLiteral};
use chrono::{DateTime, Utc};

use super::counted::CountedReading;
use super::digest::{write_members, DigestedReading, FlaggedReading, UsedReading};

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
}

/// The objects are kept in JCS already: written as they stand.
impl DigestedReading for InputReading {
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
        self.flags_jcs().is_some()
    }
    fn write_flags(&self, output: &mut Vec<u8>) {
        output.extend_from_slice(self.flags_jcs().unwrap_or("{}").as_bytes());
    }
    fn write_values(&self, output: &mut Vec<u8>) {
        output.extend_from_slice(self.values_jcs().as_bytes());
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

/// A JSON object of strings, its members sorted by name, each name once (a repeated name keeps
/// its last value, as a map of owned strings would), and whether the text already is its JCS.
/// Text in the form ingest writes is split in place; anything else is read by serde_json.
fn string_map(text: &str) -> Result<(Members<'_>, bool), serde_json::Error> {
    if let Some(members) = plain_object(text) {
        return Ok((members, true));
    }
    let members = match serde_json::from_str::<BTreeMap<&str, &str>>(text) {
        Ok(borrowed) => borrowed
            .into_iter()
            .map(|(name, value)| (Cow::Borrowed(name), Cow::Borrowed(value)))
            .collect(),
        Err(_) => serde_json::from_str::<BTreeMap<String, String>>(text)?
            .into_iter()
            .map(|(name, value)| (Cow::Owned(name), Cow::Owned(value)))
            .collect(),
    };
    Ok((members, false))
}

type Members<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// `{"name":"value",…}` with names strictly ascending, no whitespace, and no character that JSON
/// must escape: such text means exactly what serde_json reads from it, and is its own JCS.
fn plain_object(text: &str) -> Option<Members<'_>> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut members: Members<'_> = Vec::with_capacity(MEMBERS_EXPECTED);
    if inner.is_empty() {
        return Some(members);
    }
    // A comma or colon inside a string leaves a piece that is not a quoted string: then `None`.
    for member in inner.split(',') {
        let (name, value) = member.split_once(':')?;
        let (name, value) = (plain_string(name)?, plain_string(value)?);
        if members
            .last()
            .is_some_and(|(last, _)| last.as_ref() >= name)
        {
            return None;
        }
        members.push((Cow::Borrowed(name), Cow::Borrowed(value)));
    }
    Some(members)
}

/// Values a reading usually has: room for them without growing.
const MEMBERS_EXPECTED: usize = 12;

fn plain_string(quoted: &str) -> Option<&str> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    inner
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\')
        .then_some(inner)
}

/// The object in JCS, or `None` when the stored text already is exactly that (as ingest writes
/// it, so nearly always). Names are parameter codes, ASCII, so map order is JCS order.
fn rewritten_as_jcs(members: &Members<'_>, stored: &str, output: &mut Vec<u8>) -> Option<String> {
    output.clear();
    write_members(members.iter().map(|(name, value)| (name, value)), output);
    // JCS of valid UTF-8 text is valid UTF-8.
    (output.as_slice() != stored.as_bytes()).then(|| String::from_utf8_lossy(output).into_owned())
}
