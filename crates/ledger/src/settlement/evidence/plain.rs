//! A batch body in the plain form stations and the gateway post (no escapes, values that are
//! strings, numbers, booleans or null), read by a scanner for exactly the body's shape instead of
//! serde. A year at three sections is 4.8 MB of bodies, and serde's general reader spent most of
//! a settlement's check on them.
//!
//! The scanner either reads a body exactly as serde would, or declines it (`None`) and serde
//! reads it: anything it does not expect (an escape, an unknown or repeated field, a nested
//! value, a `revises`, trailing text) is declined, never guessed. A test holds it to serde's
//! result over bodies in many forms.

use std::borrow::Cow;

use super::view::{BodyView, Members, ReadingView};

/// The body read by the scanner, or `None` when serde must read it.
pub(super) fn plain_body(body: &[u8]) -> Option<BodyView<'_>> {
    let text = std::str::from_utf8(body).ok()?;
    // Without a backslash no string holds an escape, so every string is a slice of the body.
    if text.as_bytes().contains(&b'\\') {
        return None;
    }
    let mut cursor = Cursor { text, at: 0 };
    let body = cursor.body()?;
    cursor.skip_whitespace();
    (cursor.at == text.len()).then_some(body)
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn skip_whitespace(&mut self) {
        while matches!(
            self.bytes().get(self.at),
            Some(b' ' | b'\t' | b'\n' | b'\r')
        ) {
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string's contents; `None` for a string holding a control character (which JSON
    /// refuses) or anything that is not a string.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let length = self.bytes()[start..]
            .iter()
            .position(|&byte| byte == b'"' || byte < 0x20)?;
        if self.bytes()[start + length] != b'"' {
            return None;
        }
        self.at = start + length + 1;
        // The quotes are ASCII, so both ends are character boundaries.
        self.text.get(start..start + length)
    }

    /// A string, or `null` for `None`.
    fn optional_string(&mut self) -> Option<Option<&'a str>> {
        match self.peek()? {
            b'n' => self.word("null").map(|_| None),
            _ => self.string().map(Some),
        }
    }

    /// The raw text of a scalar: a string (with its quotes), a number, `true`, `false` or `null`.
    fn scalar(&mut self) -> Option<&'a str> {
        let start = match self.peek()? {
            b'"' => {
                let start = self.at;
                self.string()?;
                start
            }
            b't' => return self.word("true"),
            b'f' => return self.word("false"),
            b'n' => return self.word("null"),
            b'-' | b'0'..=b'9' => return self.number(),
            _ => return None,
        };
        self.text.get(start..self.at)
    }

    fn word(&mut self, word: &'static str) -> Option<&'a str> {
        self.skip_whitespace();
        let found = self.text.get(self.at..self.at + word.len())?;
        (found == word).then(|| {
            self.at += word.len();
            found
        })
    }

    /// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<&'a str> {
        self.skip_whitespace();
        let start = self.at;
        if self.bytes().get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes().get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return None,
        }
        if self.bytes().get(self.at) == Some(&b'.') {
            self.at += 1;
            self.digits()?;
        }
        if matches!(self.bytes().get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.bytes().get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.digits()?;
        }
        self.text.get(start..self.at)
    }

    /// One digit or more.
    fn digits(&mut self) -> Option<()> {
        let count = self.bytes()[self.at..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        (count > 0).then(|| self.at += count)
    }

    /// Calls `member` with each member's name until the object closes; `member` reads the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let name = self.string()?;
            self.eat(b':')?;
            member(self, name)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An object of scalars, in the order sent (a repeated name is kept, as serde's visitor keeps it).
    fn members(&mut self) -> Option<Members<'a>> {
        let mut members = Vec::with_capacity(MEMBERS_EXPECTED);
        self.object(|cursor, name| {
            members.push((Cow::Borrowed(name), cursor.scalar()?));
            Some(())
        })?;
        Some(Members(members))
    }

    fn reading(&mut self) -> Option<ReadingView<'a>> {
        let (mut section, mut sampled_at, mut values) = (None, None, None);
        let (mut flags, mut status, mut reason) = (None, None, None);
        self.object(|cursor, name| {
            match name {
                "section" => once(&mut section, cursor.string()?),
                "sampled_at" => once(&mut sampled_at, cursor.string()?),
                "values" => once(&mut values, cursor.members()?),
                "flags" => {
                    let read = match cursor.peek()? {
                        b'n' => cursor.word("null").map(|_| None)?,
                        _ => Some(cursor.members()?),
                    };
                    once(&mut flags, read)
                }
                "status" => once(&mut status, cursor.optional_string()?),
                "reason" => once(&mut reason, cursor.optional_string()?),
                // Rare (a correction), and an integer's bounds are serde's to decide.
                _ => None,
            }
        })?;
        Some(ReadingView {
            section: Cow::Borrowed(section?),
            sampled_at: Cow::Borrowed(sampled_at?),
            values: values?,
            flags: flags.flatten(),
            status: status.flatten().map(Cow::Borrowed),
            reason: reason.flatten().map(Cow::Borrowed),
            revises: None,
        })
    }

    fn body(&mut self) -> Option<BodyView<'a>> {
        let (mut batch_id, mut station, mut readings) = (None, None, None);
        self.object(|cursor, name| match name {
            "batch_id" => once(&mut batch_id, cursor.string()?),
            "station" => once(&mut station, cursor.string()?),
            "readings" => once(&mut readings, cursor.readings()?),
            _ => None,
        })?;
        Some(BodyView {
            batch_id: Cow::Borrowed(batch_id?),
            station: Cow::Borrowed(station?),
            readings: readings?,
        })
    }

    fn readings(&mut self) -> Option<Vec<ReadingView<'a>>> {
        self.eat(b'[')?;
        let mut readings = Vec::new();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(readings);
        }
        loop {
            readings.push(self.reading()?);
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(readings);
                }
                _ => return None,
            }
        }
    }
}

/// Sets a field read for the first time; a repeated field is serde's error to report.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(value);
            Some(())
        }
    }
}

/// Values a reading usually has: room for them without growing.
const MEMBERS_EXPECTED: usize = 8;
