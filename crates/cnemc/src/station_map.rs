//! MAP.csv (`province,name,station`): which registered station receives the readings of a
//! published station. Published names are matched on (province, normalised name), because the
//! same name exists in two provinces (大沙地) and brackets vary between files.

use std::collections::BTreeMap;

use csv::ReaderBuilder;

use crate::csv_file::LineCounter;
use crate::error::MapError;
use crate::name::normalise_name;
use crate::without_byte_order_mark;

const HEADER: [&str; 3] = ["province", "name", "station"];

/// A parsed station map. Station codes are taken as written; the ledger checks them against its
/// registry when it imports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationMap {
    /// (province, normalised name) → (station code, line).
    stations: BTreeMap<(String, String), (String, usize)>,
}

impl StationMap {
    pub fn parse(bytes: &[u8]) -> Result<Self, MapError> {
        let mut reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(without_byte_order_mark(bytes));
        let mut records = reader.records();
        let header = match records.next() {
            None => return Err(MapError::Empty),
            Some(Err(error)) => {
                return Err(MapError::Line {
                    line: 1,
                    reason: error.to_string(),
                })
            }
            Some(Ok(header)) => header,
        };
        if header.iter().ne(HEADER) {
            return Err(MapError::Header {
                found: header.iter().collect::<Vec<_>>().join(","),
            });
        }
        let mut map = StationMap::default();
        // The csv reader's own line numbers are wrong after CRLF, lone CR and blank lines.
        let mut lines = LineCounter::new(without_byte_order_mark(bytes));
        for record in records {
            let record = record.map_err(|error| MapError::Line {
                line: lines.line_at(error.position().map(|position| position.byte())),
                reason: error.to_string(),
            })?;
            let line = lines.line_at(record.position().map(|position| position.byte()));
            let fields: Vec<&str> = record.iter().collect();
            let [province, name, station] = fields[..] else {
                return Err(MapError::Line {
                    line,
                    reason: format!("expected 3 fields, found {}", fields.len()),
                });
            };
            if province.is_empty() || name.is_empty() || station.is_empty() {
                return Err(MapError::Line {
                    line,
                    reason: "province, name and station must not be empty".to_owned(),
                });
            }
            let key = (province.to_owned(), normalise_name(name));
            if let Some((_, first_line)) = map.stations.get(&key) {
                return Err(MapError::Duplicate {
                    line,
                    first_line: *first_line,
                    province: key.0,
                    name: key.1,
                });
            }
            map.stations.insert(key, (station.to_owned(), line));
        }
        Ok(map)
    }

    /// The station code for a published (province, name); the name is normalised first.
    pub fn lookup(&self, province: &str, name: &str) -> Option<&str> {
        let key = (province.trim().to_owned(), normalise_name(name));
        self.stations.get(&key).map(|(station, _)| station.as_str())
    }

    pub fn len(&self) -> usize {
        self.stations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stations.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Result<StationMap, MapError> {
        StationMap::parse(text.as_bytes())
    }

    #[test]
    fn lookups_match_on_province_and_normalised_name() {
        let parsed = map("\u{feff}province,name,station\r\n北京市,大沙地,dashadi-bj-auto\r\n河北省,大沙地,dashadi-hb-auto\r\n北京市,广北滨河路（桥）,guangbeibinhelu-qiao-auto\r\n");
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed.lookup("北京市", "大沙地"), Some("dashadi-bj-auto"));
        assert_eq!(parsed.lookup("河北省", "大沙地"), Some("dashadi-hb-auto"));
        assert_eq!(
            parsed.lookup("北京市", "广北滨河路(桥）"),
            Some("guangbeibinhelu-qiao-auto")
        );
        assert_eq!(parsed.lookup("天津市", "大沙地"), None);
    }

    #[test]
    fn a_name_repeated_after_normalising_is_refused_with_both_lines() {
        let refused = map("province,name,station\n北京市,广北滨河路(桥),a\n北京市,x,b\n北京市,广北滨河路（桥）,c\n");
        assert!(matches!(
            refused,
            Err(MapError::Duplicate {
                line: 4,
                first_line: 2,
                ..
            })
        ));
    }

    #[test]
    fn a_missing_header_a_short_line_or_an_empty_station_is_refused() {
        assert!(matches!(map(""), Err(MapError::Empty)));
        assert!(matches!(
            map("北京市,古北口,gubeikou-auto\n"),
            Err(MapError::Header { .. })
        ));
        assert!(matches!(
            map("province,name,station\n北京市,古北口\n"),
            Err(MapError::Line { line: 2, .. })
        ));
        assert!(matches!(
            map("province,name,station\n北京市,古北口, \n"),
            Err(MapError::Line { line: 2, .. })
        ));
    }
}
