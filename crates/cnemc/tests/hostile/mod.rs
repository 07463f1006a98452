//! A small hostile-input harness for the `hostile_*` tests of this crate. It does what a
//! property-test library would, without one (this crate has no dev-dependencies): seeded
//! random edits of the real files, many cases, a report naming the case seed and the fewest
//! edits that still fail, and `PROPTEST_CASES` for a longer run as in the other crates.
#![allow(dead_code)] // Each test file uses its own part of these helpers.

use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// SplitMix64: tiny, seedable, and good enough to choose edits.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mixed ^ (mixed >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            return 0;
        }
        (self.next_u64() % bound as u64) as usize
    }

    pub fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// `cases_in_ci` unless `PROPTEST_CASES` asks for more (or fewer).
pub fn cases(cases_in_ci: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(cases_in_ci)
}

/// Runs `property` on `cases` inputs, each built by `generate` from its own seed as a list of
/// edits, the first of which names the input to edit. A failure (an `Err` or a panic) is
/// retried with the other edits left out, one at a time, so that the report shows the fewest
/// edits that still fail.
pub fn check<E: Clone + Debug>(
    name: &str,
    cases_in_ci: u32,
    generate: impl Fn(&mut Rng) -> Vec<E>,
    property: impl Fn(&[E]) -> Result<(), String>,
) {
    let base_seed = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    });
    let outcome = |edits: &[E]| match catch_unwind(AssertUnwindSafe(|| property(edits))) {
        Ok(result) => result,
        Err(panic) => Err(format!("panicked: {}", panic_message(&panic))),
    };
    for case in 0..u64::from(cases(cases_in_ci)) {
        let seed = base_seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut edits = generate(&mut Rng::new(seed));
        let Err(mut failure) = outcome(&edits) else {
            continue;
        };
        let mut index = 1;
        while index < edits.len() {
            let mut fewer = edits.clone();
            fewer.remove(index);
            match outcome(&fewer) {
                Err(still) => (edits, failure) = (fewer, still),
                Ok(()) => index += 1,
            }
        }
        panic!("{name}: case {case} (seed {seed:#x}) fails with edits {edits:?}:\n{failure}");
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Cell texts a broken export, a spreadsheet or an attacker may put where a value, a time, a
/// date or a status belongs.
pub const HOSTILE_CELLS: &[&str] = &[
    "",
    " ",
    "*",
    "--",
    "-",
    "+1",
    ".5",
    "1.",
    "1,5",
    "-0",
    "007",
    "1e999",
    "1E+30",
    "1E+31",
    "1E-30",
    "-4E-08",
    "9.9999995",
    "1.322235E+07",
    "NaN",
    "Infinity",
    "0.1234567890123",
    "99999999999999999999999999999999",
    "\u{2014}",
    "\u{feff}",
    "\u{3000}5.70\u{3000}",
    "\u{ff15}",
    "\u{0661}",
    "\"",
    "\"a,b\"",
    "\"line\nbreak\"",
    "a\rb",
    "12-31 23:59",
    "01-01 00:00",
    "01-01 07:59",
    "02-29 08:00",
    "13-01 00:00",
    "00-00 00:00",
    "04-01 24:00",
    "04-01 08:00:00",
    "20261304T000000",
    "20260204/31 note",
    "20260204/03",
    "99991231T235959",
    "00000101",
    "9999-12-31",
    "0000-01-01",
    "-001-01-01",
    "2020-5-8",
    "正常",
    " 正常 ",
    "维护",
    "<span title='原始值：1e999'>1</span>",
    "<span title='原始值：'>--</span>",
    "<span title=\"原始值:0.5\">",
    "<span",
    "&#xFFFFFFFF;",
    "&#55296;",
    "&#0;",
    "&amp",
    "&;",
];

/// Byte strings that break text formats: line-ending mixes, byte order marks, quotes and
/// invalid UTF-8.
pub const HOSTILE_BYTES: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    "\u{feff}".as_bytes(),
    b",",
    b",,",
    b"\"",
    b"\0",
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\x80",
    b"{",
    b"[",
    b"]",
    b"}",
    b"null",
    b"1e999",
    "\u{2014}".as_bytes(),
];

/// A byte edit, positions taken modulo the length at the time of the edit.
#[derive(Debug, Clone)]
pub enum ByteEdit {
    FlipBit { at: usize, bit: u8 },
    Delete { at: usize, length: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Truncate { at: usize },
    Duplicate { at: usize, length: usize },
}

pub fn byte_edit(rng: &mut Rng) -> ByteEdit {
    let at = rng.next_u64() as usize;
    match rng.below(10) {
        0..=2 => ByteEdit::FlipBit {
            at,
            bit: rng.below(8) as u8,
        },
        3 | 4 => ByteEdit::Delete {
            at,
            length: 1 + rng.below(16),
        },
        5..=7 => ByteEdit::Insert {
            at,
            bytes: rng.pick(HOSTILE_BYTES).repeat(1 + rng.below(3)),
        },
        8 => ByteEdit::Truncate { at },
        _ => ByteEdit::Duplicate {
            at,
            length: 1 + rng.below(200),
        },
    }
}

pub fn apply_byte_edit(bytes: &mut Vec<u8>, edit: &ByteEdit) {
    let position = |at: usize, length: usize| at % (length + 1);
    match edit {
        ByteEdit::FlipBit { at, bit } => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
            }
        }
        ByteEdit::Delete { at, length } => {
            let start = position(*at, bytes.len());
            let end = (start + length).min(bytes.len());
            bytes.drain(start..end);
        }
        ByteEdit::Insert {
            at,
            bytes: inserted,
        } => {
            let at = position(*at, bytes.len());
            bytes.splice(at..at, inserted.iter().copied());
        }
        ByteEdit::Truncate { at } => bytes.truncate(position(*at, bytes.len())),
        ByteEdit::Duplicate { at, length } => {
            let start = position(*at, bytes.len());
            let end = (start + length).min(bytes.len());
            let copy = bytes[start..end].to_vec();
            bytes.splice(end..end, copy);
        }
    }
}

/// `-?[0-9]+(\.[0-9]{1,6})?`, read by hand: the only value text the ledger accepts.
pub fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let integer_length = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &unsigned[integer_length..];
    let fraction_ok = match rest.strip_prefix('.') {
        None => rest.is_empty(),
        Some(fraction) => {
            (1..=6).contains(&fraction.len()) && fraction.bytes().all(|byte| byte.is_ascii_digit())
        }
    };
    integer_length > 0 && fraction_ok
}
