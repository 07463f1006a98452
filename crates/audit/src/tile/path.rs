//! The tlog-tiles path grammar, both ways. Parsing is strict: every tile has exactly one path,
//! so a cache or a mirror that stores tiles by path can never hold two copies of one tile.
//!
//! - `<L>`: decimal 0 to 63, no leading zeros.
//! - `<N>`: zero-padded 3-digit elements, all but the last prefixed with `x`; the shortest
//!   such form (no leading `x000/`), so index 1234067 is `x001/x234/067` only.
//! - `.p/<W>`: decimal 1 to 255, no leading zeros; absent for full tiles.

use super::{Tile, TileIndex, TILE_LEVEL_MAX};

/// Digits in one path element of `<N>`.
const ELEMENT_DIGITS: usize = 3;
/// `u64::MAX` has 20 decimal digits: at most seven 3-digit elements.
const INDEX_ELEMENTS_MAX: usize = 7;

/// Which part of a tile path is malformed. The HTTP layer names the path parameter from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TilePathError {
    #[error("the level must be a whole number from 0 to 63, without leading zeros")]
    Level,
    #[error(
        "the index must be 3-digit path elements, all but the last starting with `x` \
         (1234067 is x001/x234/067), in the shortest such form"
    )]
    Index,
    #[error("the index exceeds 18446744073709551615")]
    IndexTooLarge,
    #[error(
        "a partial width (`.p/<W>`) must be a whole number from 1 to 255, without leading zeros"
    )]
    Width,
}

impl TileIndex {
    /// Parses `<N>[.p/<W>]`.
    pub fn parse(text: &str) -> Result<Self, TilePathError> {
        match text.split_once(".p/") {
            Some((index, width)) => Self::partial(parse_index(index)?, parse_width(width)?),
            None => Ok(Self::full(parse_index(text)?)),
        }
    }
}

impl Tile {
    /// Parses `<L>/<N>[.p/<W>]`, the path below `tile/`.
    pub fn parse(text: &str) -> Result<Self, TilePathError> {
        let (level, position) = text.split_once('/').ok_or(TilePathError::Index)?;
        Tile::new(parse_level(level)?, TileIndex::parse(position)?)
    }
}

/// The level of a tile path.
pub fn parse_level(text: &str) -> Result<u8, TilePathError> {
    let level = parse_plain_decimal(text, 2).ok_or(TilePathError::Level)?;
    u8::try_from(level)
        .ok()
        .filter(|level| *level <= TILE_LEVEL_MAX)
        .ok_or(TilePathError::Level)
}

fn parse_width(text: &str) -> Result<u16, TilePathError> {
    let width = parse_plain_decimal(text, 3).ok_or(TilePathError::Width)?;
    u16::try_from(width).map_err(|_| TilePathError::Width)
}

/// ASCII digits, at most `digits_max` of them, with no leading zero unless the number is 0.
fn parse_plain_decimal(text: &str, digits_max: usize) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty()
        || bytes.len() > digits_max
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() > 1 && bytes[0] == b'0')
    {
        return None;
    }
    text.parse().ok()
}

/// Parses `<N>`: `x001/x234/067`.
pub fn parse_index(text: &str) -> Result<u64, TilePathError> {
    let elements: Vec<&str> = text.split('/').collect();
    if elements.len() > INDEX_ELEMENTS_MAX {
        return Err(TilePathError::Index);
    }
    let (last, leading) = elements.split_last().ok_or(TilePathError::Index)?;
    let mut index: u64 = 0;
    for (position, element) in leading.iter().enumerate() {
        let digits = element.strip_prefix('x').ok_or(TilePathError::Index)?;
        let value = element_value(digits)?;
        // A leading x000 element adds nothing: the shortest form has none.
        if position == 0 && value == 0 {
            return Err(TilePathError::Index);
        }
        index = append_element(index, value)?;
    }
    append_element(index, element_value(last)?)
}

fn element_value(digits: &str) -> Result<u64, TilePathError> {
    if digits.len() != ELEMENT_DIGITS || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(TilePathError::Index);
    }
    digits.parse().map_err(|_| TilePathError::Index)
}

fn append_element(index: u64, value: u64) -> Result<u64, TilePathError> {
    index
        .checked_mul(1000)
        .and_then(|index| index.checked_add(value))
        .ok_or(TilePathError::IndexTooLarge)
}

/// Writes `<N>` in its one form.
pub fn encode_index(index: u64) -> String {
    let mut elements = Vec::with_capacity(INDEX_ELEMENTS_MAX);
    let mut rest = index;
    loop {
        elements.push(rest % 1000);
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    let last = elements.len() - 1;
    elements
        .iter()
        .rev()
        .enumerate()
        .map(|(position, value)| {
            if position == last {
                format!("{value:03}")
            } else {
                format!("x{value:03}/")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_index_has_its_path() {
        assert_eq!(encode_index(1_234_067), "x001/x234/067");
        assert_eq!(parse_index("x001/x234/067"), Ok(1_234_067));
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(999), "999");
        assert_eq!(encode_index(1000), "x001/000");
        assert_eq!(encode_index(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
        assert_eq!(
            parse_index("x018/x446/x744/x073/x709/x551/615"),
            Ok(u64::MAX)
        );
    }

    #[test]
    fn non_canonical_and_malformed_indexes_are_refused() {
        for text in [
            "",
            "0",
            "00",
            "0000",
            "1",
            "x000",
            "x000/001",
            "x001",
            "001/002",
            "x01/002",
            "x0001/002",
            "X001/002",
            "001/",
            "/001",
            "x001//002",
            "+01",
            "-01",
            " 01",
            "0x1",
            "１２３",
            "x000/x000/000",
            "abc",
            "x1a/000",
            "x001/x002/x003/x004/x005/x006/x007/000",
        ] {
            assert!(parse_index(text).is_err(), "{text:?} was accepted");
        }
        assert_eq!(
            parse_index("x018/x446/x744/x073/x709/x551/616"),
            Err(TilePathError::IndexTooLarge)
        );
        assert_eq!(
            parse_index("x999/x999/x999/x999/x999/x999/999"),
            Err(TilePathError::IndexTooLarge)
        );
    }

    #[test]
    fn widths_are_one_to_255_in_plain_decimal() {
        assert_eq!(
            TileIndex::parse("067.p/1"),
            Ok(TileIndex::partial(67, 1).unwrap())
        );
        assert_eq!(
            TileIndex::parse("x001/067.p/255"),
            Ok(TileIndex::partial(1067, 255).unwrap())
        );
        for text in [
            "067.p/0",
            "067.p/256",
            "067.p/01",
            "067.p/",
            "067.p",
            "067.p/1/2",
            "067.p/+1",
            "067.p/1 ",
            "067.P/1",
            "067.p/1000",
        ] {
            assert!(TileIndex::parse(text).is_err(), "{text:?} was accepted");
        }
        assert_eq!(TileIndex::parse("067.p/256"), Err(TilePathError::Width));
        assert_eq!(TileIndex::parse("067.p"), Err(TilePathError::Index));
    }

    #[test]
    fn levels_are_zero_to_63_in_plain_decimal() {
        assert_eq!(parse_level("0"), Ok(0));
        assert_eq!(parse_level("63"), Ok(63));
        for text in ["", "00", "01", "64", "100", "-1", "+1", "a"] {
            assert_eq!(parse_level(text), Err(TilePathError::Level), "{text:?}");
        }
    }

    #[test]
    fn tile_paths_round_trip() {
        let tile = Tile::parse("2/x001/x234/067.p/8").unwrap();
        assert_eq!(tile.level(), 2);
        assert_eq!(tile.position(), TileIndex::partial(1_234_067, 8).unwrap());
        assert_eq!(tile.to_string(), "2/x001/x234/067.p/8");
        assert_eq!(Tile::parse("0/000").unwrap().to_string(), "0/000");
        assert!(Tile::parse("0").is_err());
        assert!(Tile::parse("entries/000").is_err());
    }
}
