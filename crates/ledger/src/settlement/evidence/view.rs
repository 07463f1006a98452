//! A logged batch body read in place: the strings it holds are borrowed from its bytes wherever
//! they need no unescaping, so checking a year of readings against their batches allocates per
//! batch, not per value. The shape is the posted one ([`crate::batch::BatchBody`]), with unknown
//! members refused as they are at ingest. Bodies in the plain form are read without serde
//! ([`super::plain`]), into the same view.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BodyView<'a> {
    #[serde(borrow)]
    #[allow(dead_code)] // Parsed so that a body of another shape is refused, as at ingest.
    pub batch_id: Cow<'a, str>,
    #[serde(borrow)]
    #[allow(dead_code)]
    pub station: Cow<'a, str>,
    #[serde(borrow)]
    pub readings: Vec<ReadingView<'a>>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReadingView<'a> {
    #[serde(borrow)]
    pub section: Cow<'a, str>,
    #[serde(borrow)]
    pub sampled_at: Cow<'a, str>,
    #[serde(borrow)]
    pub values: Members<'a>,
    #[serde(borrow, default)]
    pub flags: Option<Members<'a>>,
    #[serde(borrow, default)]
    pub status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    #[allow(dead_code)]
    pub reason: Option<Cow<'a, str>>,
    #[serde(default)]
    #[allow(dead_code)]
    pub revises: Option<i64>,
}

/// A JSON object's members in the order sent, each value as its raw JSON text. A repeated name
/// keeps its last value, as the posted body's `BTreeMap` does.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Members<'a>(pub Vec<(Cow<'a, str>, &'a str)>);

impl<'a> Members<'a> {
    /// The members sorted by name, each name once with its last value.
    pub fn sorted(&self) -> Vec<(&str, &'a str)> {
        let mut members: Vec<(&str, &'a str)> = self
            .0
            .iter()
            .map(|(name, value)| (name.as_ref(), *value))
            .collect();
        // Stable, so among equal names the last sent stays last; then keep that one.
        members.sort_by(|left, right| left.0.cmp(right.0));
        let mut kept: Vec<(&str, &'a str)> = Vec::with_capacity(members.len());
        for member in members {
            match kept.last_mut() {
                Some(last) if last.0 == member.0 => *last = member,
                _ => kept.push(member),
            }
        }
        kept
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(member, _)| member == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Members<'de>, M::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(BorrowedText(name)) = map.next_key()? {
                    let value: &'de RawValue = map.next_value()?;
                    members.push((name, value.get()));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// A string borrowed from the input when it holds no escapes (a plain `Cow<str>` always copies).
struct BorrowedText<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for BorrowedText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = BorrowedText<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedText(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(BorrowedText(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(BorrowedText(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// The literal as sent, as the batch rules read it: a JSON string's contents (borrowed unless it
/// holds escapes), or the raw text of any other JSON value.
pub(super) fn literal_text(text: &str) -> Cow<'_, str> {
    if !text.starts_with('"') {
        return Cow::Borrowed(text);
    }
    if let Some(plain) = plain_contents(text) {
        return Cow::Borrowed(plain);
    }
    match serde_json::from_str::<&str>(text) {
        Ok(borrowed) => Cow::Borrowed(borrowed),
        Err(_) => serde_json::from_str::<String>(text)
            .map(Cow::Owned)
            .unwrap_or(Cow::Borrowed(text)),
    }
}

/// The contents of a JSON string (as the raw text of a valid value) that holds no escape: the
/// text between its quotes, read without a parser.
fn plain_contents(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.bytes().any(|byte| byte == b'"' || byte == b'\\')).then_some(inner)
}

/// A JSON string's contents, or `None` for any other JSON value (a flag must be a string).
pub(super) fn string_contents(text: &str) -> Option<Cow<'_, str>> {
    if !text.starts_with('"') {
        return None;
    }
    match serde_json::from_str::<&str>(text) {
        Ok(borrowed) => Some(Cow::Borrowed(borrowed)),
        Err(_) => serde_json::from_str::<String>(text).ok().map(Cow::Owned),
    }
}
