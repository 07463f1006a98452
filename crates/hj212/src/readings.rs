//! A data packet as a reading: `DataTime` (China Standard Time) becomes `sampled_at`, each
//! known pollutant code's value (`-Rtd` for real-time data, `-Avg` otherwise) keeps the packet's
//! literal text, and `-Flag` becomes the value's flag (API.md, "HJ 212 gateway"). Other codes
//! and other fields are counted and ignored.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::segment::Packet;

/// HJ 212 pollutant code → basin-ledger parameter code (API.md).
pub const PARAMETER_CODES: [(&str, &str); 9] = [
    ("w01001", "ph"),
    ("w01009", "do"),
    ("w01019", "codmn"),
    ("w21003", "nh3n"),
    ("w21011", "tp"),
    ("w21001", "tn"),
    ("w01010", "temp"),
    ("w01014", "conductivity"),
    ("w01003", "turbidity"),
];

/// Longest value literal looked at (the ledger's grammar allows far fewer digits in practice).
const VALUE_CHARACTERS_MAX: usize = 32;
/// Most decimals a value may carry (API.md "Conventions").
const VALUE_DECIMALS_MAX: usize = 6;

/// The HJ 212 data flags (HJ 212-2017 Table 6), the vocabulary of the readings API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FlagLetter {
    /// N: normal.
    Normal,
    /// F: stopped.
    Stopped,
    /// M: maintenance.
    Maintenance,
    /// S: set by hand.
    Manual,
    /// D: fault.
    Fault,
    /// C: calibration.
    Calibration,
    /// T: over range.
    OverRange,
    /// B: communication failure.
    CommunicationFailure,
}

impl FlagLetter {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "N" => Self::Normal,
            "F" => Self::Stopped,
            "M" => Self::Maintenance,
            "S" => Self::Manual,
            "D" => Self::Fault,
            "C" => Self::Calibration,
            "T" => Self::OverRange,
            "B" => Self::CommunicationFailure,
            _ => return None,
        })
    }

    pub fn letter(self) -> &'static str {
        match self {
            Self::Normal => "N",
            Self::Stopped => "F",
            Self::Maintenance => "M",
            Self::Manual => "S",
            Self::Fault => "D",
            Self::Calibration => "C",
            Self::OverRange => "T",
            Self::CommunicationFailure => "B",
        }
    }
}

/// One station's reading from one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationReading {
    /// `YYYY-MM-DDThh:mm:ss+08:00`, DataTime as it was meant.
    pub sampled_at: String,
    /// Parameter code → the packet's literal text.
    pub values: BTreeMap<&'static str, String>,
    /// Flags other than N of parameters that have a value. An N flag is the default and is not
    /// written, so that a packet of normal values makes a reading without flags.
    pub flags: BTreeMap<&'static str, FlagLetter>,
    /// Fields of codes the ledger does not take (other pollutants, `-Min`, `-Max`, `-Cou`, …).
    pub ignored_fields: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("DataTime is missing")]
    MissingDataTime,
    #[error("DataTime {0:?} is not a time YYYYMMDDhhmmss")]
    BadDataTime(String),
    #[error("{field}={value:?} is not a decimal of at most 6 decimals")]
    BadValue { field: String, value: String },
    #[error("{field}={value:?} is not a flag N, F, M, S, D, C, T or B")]
    BadFlag { field: String, value: String },
}

impl MappingError {
    pub fn label(&self) -> &'static str {
        match self {
            Self::MissingDataTime | Self::BadDataTime(_) => "bad_data_time",
            Self::BadValue { .. } => "bad_value",
            Self::BadFlag { .. } => "bad_flag",
        }
    }
}

/// `-?[0-9]+(\.[0-9]{1,6})?`, the readings API's literal grammar.
pub fn is_value_literal(text: &str) -> bool {
    if text.len() > VALUE_CHARACTERS_MAX {
        return false;
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, decimals) = match unsigned.split_once('.') {
        Some((whole, decimals)) => (whole, Some(decimals)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    digits(whole)
        && decimals.is_none_or(|decimals| digits(decimals) && decimals.len() <= VALUE_DECIMALS_MAX)
}

fn sampled_at(data_time: &str) -> Result<String, MappingError> {
    let bad = || MappingError::BadDataTime(data_time.to_owned());
    if data_time.len() != 14 || !data_time.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(bad());
    }
    let time = NaiveDateTime::parse_from_str(data_time, "%Y%m%d%H%M%S").map_err(|_| bad())?;
    Ok(format!("{}+08:00", time.format("%Y-%m-%dT%H:%M:%S")))
}

/// Maps a data packet onto a reading.
pub fn map_packet(packet: &Packet) -> Result<StationReading, MappingError> {
    let mut data_time = None;
    let mut values = BTreeMap::new();
    let mut flags = BTreeMap::new();
    let mut ignored_fields = 0;
    let value_suffix = packet.command.value_suffix();
    for (field, text) in &packet.parameters {
        if field == "DataTime" {
            data_time = Some(text.as_str());
            continue;
        }
        let known = field.split_once('-').and_then(|(code, suffix)| {
            let parameter = PARAMETER_CODES
                .iter()
                .find(|(hj212, _)| *hj212 == code)
                .map(|(_, parameter)| *parameter)?;
            Some((parameter, suffix))
        });
        match known {
            Some((parameter, suffix)) if suffix == value_suffix => {
                if !is_value_literal(text) {
                    return Err(MappingError::BadValue {
                        field: field.clone(),
                        value: text.clone(),
                    });
                }
                values.insert(parameter, text.clone());
            }
            Some((parameter, "Flag")) => {
                let flag = FlagLetter::parse(text).ok_or_else(|| MappingError::BadFlag {
                    field: field.clone(),
                    value: text.clone(),
                })?;
                flags.insert(parameter, flag);
            }
            _ => ignored_fields += 1,
        }
    }
    let sampled_at = sampled_at(data_time.ok_or(MappingError::MissingDataTime)?)?;
    // A flag without a value flags nothing (an instrument in fault often sends no value).
    flags.retain(|parameter, flag| *flag != FlagLetter::Normal && values.contains_key(parameter));
    Ok(StationReading {
        sampled_at,
        values,
        flags,
        ignored_fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::parse_segment;

    fn mapped(parameters: &str, command: &str) -> Result<StationReading, MappingError> {
        let segment = format!(
            "QN=20200701080500000;ST=21;CN={command};PW=123456;MN=GBK0001;Flag=5;CP=&&{parameters}&&"
        );
        map_packet(&parse_segment(&segment).unwrap())
    }

    #[test]
    fn an_hourly_packet_keeps_literal_values_and_china_time() {
        let reading = mapped(
            "DataTime=20200701080000;w01001-Avg=7.610,w01001-Flag=N;w21011-Avg=0.018,w21011-Flag=M;\
             w01018-Avg=3.1,w01018-Flag=N;w21003-Min=0.1",
            "2061",
        )
        .unwrap();
        assert_eq!(reading.sampled_at, "2020-07-01T08:00:00+08:00");
        assert_eq!(reading.values["ph"], "7.610");
        assert_eq!(reading.values["tp"], "0.018");
        assert_eq!(reading.flags.len(), 1);
        assert_eq!(reading.flags["tp"], FlagLetter::Maintenance);
        assert_eq!(reading.ignored_fields, 3);
    }

    #[test]
    fn real_time_data_reads_rtd_and_ignores_avg() {
        let reading = mapped(
            "DataTime=20200701080030;w01001-Rtd=7.6;w01009-Avg=8",
            "2011",
        )
        .unwrap();
        assert_eq!(reading.values.len(), 1);
        assert_eq!(reading.values["ph"], "7.6");
    }

    #[test]
    fn bad_times_values_and_flags_are_refused() {
        for parameters in [
            "w01001-Avg=7",
            "DataTime=20200231080000;w01001-Avg=7",
            "DataTime=2020070108;w01001-Avg=7",
        ] {
            assert!(matches!(
                mapped(parameters, "2061"),
                Err(MappingError::MissingDataTime | MappingError::BadDataTime(_))
            ));
        }
        for value in ["7.1234567", "1e-3", "", "+7", "7.", ".5", "NaN"] {
            let parameters = format!("DataTime=20200701080000;w01001-Avg={value}");
            assert!(
                matches!(
                    mapped(&parameters, "2061"),
                    Err(MappingError::BadValue { .. })
                ),
                "{value}"
            );
        }
        let bad_flag = mapped("DataTime=20200701080000;w01001-Avg=7,w01001-Flag=X", "2061");
        assert!(matches!(bad_flag, Err(MappingError::BadFlag { .. })));
    }

    #[test]
    fn a_flag_without_a_value_is_dropped() {
        let reading = mapped("DataTime=20200701080000;w01001-Avg=7,w21011-Flag=D", "2061").unwrap();
        assert!(reading.flags.is_empty());
    }
}
