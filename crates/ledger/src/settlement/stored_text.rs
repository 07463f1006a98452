//! A counted reading's stored values and flags objects, read by the rules ingest wrote them
//! with: the form ingest writes is split in place without a parser, any other form is read by
//! serde_json and rewritten in JCS for the digest.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::digest::write_members;

/// A JSON object of strings, its members sorted by name, each name once (a repeated name keeps
/// its last value, as a map of owned strings would), and whether the text already is its JCS.
/// Text in the form ingest writes is split in place; anything else is read by serde_json.
pub(super) fn string_map(text: &str) -> Result<(Members<'_>, bool), serde_json::Error> {
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

pub(super) type Members<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

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
pub(super) fn rewritten_as_jcs(
    members: &Members<'_>,
    stored: &str,
    output: &mut Vec<u8>,
) -> Option<String> {
    output.clear();
    write_members(members.iter().map(|(name, value)| (name, value)), output);
    // JCS of valid UTF-8 text is valid UTF-8.
    (output.as_slice() != stored.as_bytes()).then(|| String::from_utf8_lossy(output).into_owned())
}
