//! Hostile generators shared by the `hostile_*` property tests: edits that take a real input
//! (a signed note, a key text, a leaf, a receipt) a little or a lot out of shape, the way a
//! broken proxy, a careless editor or an attacker would. Random ASCII alone rarely gets past
//! the first check of a parser; edits of valid inputs reach the deep paths.
#![allow(dead_code)] // Each test file uses its own part of these helpers.

use proptest::prelude::*;
use proptest::test_runner::Config;

/// The configuration of every hostile property: `cases_in_ci` cases, unless `PROPTEST_CASES`
/// asks for a longer run. No regression files are written into the source tree.
pub fn config(cases_in_ci: u32) -> Config {
    let default = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        default.cases
    } else {
        cases_in_ci
    };
    Config {
        cases,
        failure_persistence: None,
        ..default
    }
}

/// Byte strings that break text formats in interesting ways: signature dashes, line ending
/// mixes, byte order marks, numbers no parser should take, invalid UTF-8 and deep nesting.
pub const SNIPPETS: &[&[u8]] = &[
    "\u{2014}".as_bytes(),
    "\u{2014} ".as_bytes(),
    "\u{2013}".as_bytes(),
    b"\n",
    b"\n\n",
    b"\r\n",
    b"\r",
    "\u{feff}".as_bytes(),
    b" ",
    b"\t",
    b"\0",
    b"+",
    b"=",
    b"==",
    b"-",
    b"/",
    b"0",
    b"00",
    b"1e999",
    b"NaN",
    b"-0",
    b"1.0",
    b"9007199254740992",
    b"18446744073709551615",
    b"18446744073709551616",
    b"99999999999999999999999999999999",
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\x80",
    b"\"",
    b"\\",
    b"\\/",
    b"\\u0000",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    "\u{2028}".as_bytes(),
    "\u{3000}".as_bytes(),
    "\u{a0}".as_bytes(),
    "\u{ff10}".as_bytes(),
    "\u{0661}".as_bytes(),
    "\u{1f600}".as_bytes(),
    b"AAAA",
    b"index ",
    b"extra ",
    b"PRIVATE+KEY+",
    b"c2sp.org/tlog-proof@v1\n",
];

/// One edit of a byte string. Positions are taken modulo the length at the time of the edit,
/// so every edit applies to every input.
#[derive(Debug, Clone)]
pub enum Edit {
    FlipBit {
        at: usize,
        bit: u8,
    },
    SetByte {
        at: usize,
        byte: u8,
    },
    Delete {
        at: usize,
        length: usize,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Truncate {
        at: usize,
    },
    Duplicate {
        at: usize,
        length: usize,
    },
    /// Replaces every occurrence, as a line-ending conversion or a search-and-replace would.
    ReplaceAll {
        from: Vec<u8>,
        to: Vec<u8>,
    },
}

fn snippet() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::sample::select(SNIPPETS).prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 1..8),
        1 => (prop::sample::select(SNIPPETS), 2_usize..300).prop_map(|(bytes, times)| bytes.repeat(times)),
        1 => (1_usize..200).prop_map(|depth| "[".repeat(depth).into_bytes()),
        1 => Just(vec![b'A'; 70_000]),
    ]
}

pub fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        4 => (at, 0_u8..8).prop_map(|(at, bit)| Edit::FlipBit { at, bit }),
        2 => (at, any::<u8>()).prop_map(|(at, byte)| Edit::SetByte { at, byte }),
        2 => (at, 1_usize..16).prop_map(|(at, length)| Edit::Delete { at, length }),
        5 => (at, snippet()).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        1 => at.prop_map(|at| Edit::Truncate { at }),
        1 => (at, 1_usize..64).prop_map(|(at, length)| Edit::Duplicate { at, length }),
        1 => (prop::sample::select(SNIPPETS), prop::sample::select(SNIPPETS))
            .prop_map(|(from, to)| Edit::ReplaceAll { from: from.to_vec(), to: to.to_vec() }),
    ]
}

/// One to three edits: most findings need only one, and more make the input mostly noise.
pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(edit(), 1..4)
}

pub fn apply(edits: &[Edit], original: &[u8]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for edit in edits {
        let position = |at: usize, bytes: &Vec<u8>| at % (bytes.len() + 1);
        match edit {
            Edit::FlipBit { at, bit } if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
            Edit::SetByte { at, byte } if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] = *byte;
            }
            Edit::FlipBit { .. } | Edit::SetByte { .. } => {}
            Edit::Delete { at, length } => {
                let start = position(*at, &bytes);
                let end = (start + length).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert {
                at,
                bytes: inserted,
            } => {
                let at = position(*at, &bytes);
                bytes.splice(at..at, inserted.iter().copied());
            }
            Edit::Truncate { at } => {
                let at = position(*at, &bytes);
                bytes.truncate(at);
            }
            Edit::Duplicate { at, length } => {
                let start = position(*at, &bytes);
                let end = (start + length).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Edit::ReplaceAll { from, to } => bytes = replace_all(&bytes, from, to),
        }
    }
    bytes
}

fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut replaced = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            replaced.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            replaced.push(rest[0]);
            rest = &rest[1..];
        }
    }
    replaced
}

/// Text parsers take `&str`: invalid UTF-8 reaches them as U+FFFD, as it would from a
/// lossy HTTP body or file reader.
pub fn apply_to_text(edits: &[Edit], original: &str) -> String {
    String::from_utf8_lossy(&apply(edits, original.as_bytes())).into_owned()
}
