//! What the `hostile_*` property tests share: their configuration and the strings that most
//! often break a hand-written parser.
#![allow(dead_code)] // Each test file uses its own part of these helpers.

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

/// Texts a client, a spreadsheet or an attacker may send where a number, a period or a code
/// is expected.
pub const HOSTILE_TEXTS: &[&str] = &[
    "",
    " ",
    "-",
    "+",
    ".",
    "-0",
    "-0.0",
    "0.000000",
    "0.0000001",
    "1e999",
    "1E+30",
    "-1e-7",
    "NaN",
    "nan",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "999999999999999",
    "999999999999999.999999",
    "1000000000000000",
    "000000000000000000000000000001.5",
    "18446744073709551616",
    "9007199254740993",
    "\u{feff}1",
    "1\u{2014}2",
    "\u{ff11}",
    "\u{0661}\u{0662}",
    "1\r\n",
    "1\0",
    " 1",
    "1 ",
    "0x10",
    "1_000",
    "1,5",
    "2025-Q3",
    "2025-07",
    "2025",
    "0000",
    "9999-Q4",
    "2025-Q0",
    "2025-Q5",
    "2025-13",
    "2025-7",
    "+025-07",
    "\u{ff12}025",
    "gubeikou",
    "HE-CD",
    "a\u{212a}",
];
