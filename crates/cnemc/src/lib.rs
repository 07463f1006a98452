//! Parser for the national surface-water automatic monitoring publishing system's formats
//! (国家地表水水质自动监测实时数据发布系统): the daily, 4-hourly and snapshot CSV exports and the raw
//! API JSON day file.
//!
//! Pure: bytes in, rows out. Nothing here touches a database, the network or the clock; the year
//! that `MM-DD HH:MM` times lack comes from the file's own date columns or from [`ParseOptions`].
//! The rules for each quirk of the data are in `shared/data/cnemc/README.md`; each module names the
//! rule it implements.

mod csv_file;
mod decimal;
mod error;
mod html;
mod json_day;
mod layout;
mod name;
mod parameter;
mod parsed;
mod record;
mod station_map;
mod time;

use sha2::{Digest, Sha256};

pub use csv_file::parse_csv;
pub use decimal::{decimal_text, DecimalError, DECIMAL_PLACES_MAX};
pub use error::{FileError, MapError};
pub use json_day::parse_json_day;
pub use name::normalise_name;
pub use parameter::{Parameter, PARAMETERS};
pub use parsed::{ParsedFile, Reject, Row, RowStatus};
pub use station_map::StationMap;

/// Most data rows accepted in one file. The largest real export holds a few thousand rows; a limit
/// keeps a malformed or hostile upload from growing the result without bound.
pub const ROWS_PER_FILE_MAX: usize = 1_000_000;

/// How many hex digits of the file's SHA-256 name its import batch (API.md, `import cnemc`).
const BATCH_ID_HEX_DIGITS: usize = 16;

/// Choices the file itself cannot make.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The year of the readings (`--year`), used only when the file has no date column of its
    /// own (the 4-hourly CSV and the JSON day file). A date column always wins, because it is
    /// per row and lets the year rule step back across New Year.
    pub year: Option<i32>,
}

/// Parses a file in any of the known layouts, choosing by content: the API's JSON starts with `{`,
/// everything else is taken for CSV.
pub fn parse_file(bytes: &[u8], options: &ParseOptions) -> Result<ParsedFile, FileError> {
    let first_visible = without_byte_order_mark(bytes)
        .iter()
        .find(|byte| !byte.is_ascii_whitespace());
    if first_visible == Some(&b'{') {
        parse_json_day(bytes, options)
    } else {
        parse_csv(bytes, options)
    }
}

/// The import batch of a file: `cnemc-` and the first 16 hex digits of the file's SHA-256, so that
/// importing the same bytes again replays the same batch.
pub fn batch_id(file_sha256_hex: &str) -> String {
    let lowercase = file_sha256_hex.to_ascii_lowercase();
    let prefix = lowercase.get(..BATCH_ID_HEX_DIGITS).unwrap_or(&lowercase);
    format!("cnemc-{prefix}")
}

/// Lowercase hex SHA-256 of the bytes exactly as received (byte order mark included), so that the
/// batch id names the file and not our reading of it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Spreadsheet programs save CSV with a UTF-8 byte order mark; it is not part of the first column
/// name.
pub(crate) fn without_byte_order_mark(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_id_is_cnemc_and_the_first_sixteen_hex_digits_of_the_hash() {
        let hash = sha256_hex(b"abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(batch_id(&hash), "cnemc-ba7816bf8f01cfea");
    }

    #[test]
    fn the_file_kind_is_chosen_by_content() {
        let options = ParseOptions { year: Some(2020) };
        let json = "\u{feff} {\"thead\": [], \"tbody\": []}";
        assert!(matches!(
            parse_file(json.as_bytes(), &options),
            Err(FileError::MissingColumn(_))
        ));
        let csv = "省份,流域\n";
        assert!(matches!(
            parse_file(csv.as_bytes(), &options),
            Err(FileError::MissingColumn(_))
        ));
    }
}
