//! Recognises a layout by its header. Every layout has the 17 standard columns; the daily export
//! adds the file date and city/river tooltips, the snapshot export adds the snapshot time, its
//! source and a `_原始值` (raw value) column per parameter. A column no layout has refuses the
//! file: half-reading a format we do not know would import wrong numbers quietly.

use crate::error::FileError;
use crate::parameter::{PARAMETERS, PARAMETER_COUNT};

const PROVINCE: &str = "省份";
const BASIN: &str = "流域";
const NAME: &str = "断面名称";
const TIME: &str = "监测时间";
const CLASS: &str = "水质类别";
const STATUS: &str = "站点情况";

const FILE_DATE: &str = "数据日期(源文件名)";
const SNAPSHOT_TIME: &str = "抓取时间(快照)";
/// Columns that are recognised and not used: the city and river are already in the station
/// registry, and the source names the scraper, not the data.
const IGNORED: [&str; 3] = ["所在地市(tooltip)", "所属河流(tooltip)", "来源"];
const RAW_VALUE_SUFFIX: &str = "_原始值";

/// Where the year of each row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateColumn {
    None,
    /// `数据日期(源文件名)`: `YYYY-MM-DD`.
    FileDate(usize),
    /// `抓取时间(快照)`: `YYYYMMDDTHHMMSS`.
    Snapshot(usize),
}

/// Column positions in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    pub width: usize,
    pub province: usize,
    pub name: usize,
    pub time: usize,
    pub status: usize,
    /// In the order of [`PARAMETERS`].
    pub values: [usize; PARAMETER_COUNT],
    pub raw_values: [Option<usize>; PARAMETER_COUNT],
    pub date: DateColumn,
}

impl Layout {
    pub fn from_header<S: AsRef<str>>(header: &[S]) -> Result<Self, FileError> {
        let names: Vec<&str> = header.iter().map(|name| name.as_ref().trim()).collect();
        for (index, name) in names.iter().enumerate() {
            if names[..index].contains(name) {
                return Err(FileError::DuplicateColumn((*name).to_owned()));
            }
            if !is_known(name) {
                return Err(FileError::UnknownColumn((*name).to_owned()));
            }
        }
        let position = |wanted: &str| names.iter().position(|name| *name == wanted);
        let required = |wanted: &str| {
            position(wanted).ok_or_else(|| FileError::MissingColumn(wanted.to_owned()))
        };
        required(BASIN)?;
        required(CLASS)?;
        let mut values = [0; PARAMETER_COUNT];
        let mut raw_values = [None; PARAMETER_COUNT];
        for (index, parameter) in PARAMETERS.iter().enumerate() {
            values[index] = required(parameter.column)?;
            raw_values[index] = position(&format!("{}{RAW_VALUE_SUFFIX}", parameter.column));
        }
        let date = match (position(FILE_DATE), position(SNAPSHOT_TIME)) {
            (Some(_), Some(_)) => return Err(FileError::TwoDateColumns),
            (Some(index), None) => DateColumn::FileDate(index),
            (None, Some(index)) => DateColumn::Snapshot(index),
            (None, None) => DateColumn::None,
        };
        Ok(Layout {
            width: names.len(),
            province: required(PROVINCE)?,
            name: required(NAME)?,
            time: required(TIME)?,
            status: required(STATUS)?,
            values,
            raw_values,
            date,
        })
    }
}

fn is_known(name: &str) -> bool {
    let standard = [
        PROVINCE,
        BASIN,
        NAME,
        TIME,
        CLASS,
        STATUS,
        FILE_DATE,
        SNAPSHOT_TIME,
    ];
    let is_parameter = |column: &str| {
        PARAMETERS
            .iter()
            .any(|parameter| parameter.column == column)
    };
    standard.contains(&name)
        || IGNORED.contains(&name)
        || is_parameter(name)
        || name
            .strip_suffix(RAW_VALUE_SUFFIX)
            .is_some_and(is_parameter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: &str = "省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),溶解氧(mg/L),电导率(μS/cm),浊度(NTU),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L),总氮(mg/L),叶绿素α(mg/L),藻密度(cells/L),站点情况";

    fn layout(header: &str) -> Result<Layout, FileError> {
        Layout::from_header(&header.split(',').collect::<Vec<_>>())
    }

    #[test]
    fn the_seventeen_standard_columns_are_a_layout_without_a_date() {
        let layout = layout(STANDARD).map_err(|error| error.to_string());
        let layout = layout
            .as_ref()
            .map(|layout| (layout.width, layout.date, layout.values[0], layout.status));
        assert_eq!(layout, Ok((17, DateColumn::None, 5, 16)));
    }

    #[test]
    fn the_daily_layout_has_a_file_date_and_the_snapshot_layout_a_snapshot_time_and_raw_values() {
        let daily = layout(&format!(
            "{STANDARD},数据日期(源文件名),所在地市(tooltip),所属河流(tooltip)"
        ));
        assert!(matches!(
            daily,
            Ok(Layout {
                date: DateColumn::FileDate(17),
                ..
            })
        ));
        let raw: Vec<String> = PARAMETERS
            .iter()
            .map(|parameter| format!("{}_原始值", parameter.column))
            .collect();
        let snapshot = layout(&format!(
            "{STANDARD},所在地市(tooltip),所属河流(tooltip),抓取时间(快照),来源,{}",
            raw.join(",")
        ));
        let snapshot = snapshot.map_err(|error| error.to_string());
        assert_eq!(
            snapshot.as_ref().map(|layout| layout.date),
            Ok(DateColumn::Snapshot(19))
        );
        assert_eq!(
            snapshot.as_ref().map(|layout| layout.raw_values[10]),
            Ok(Some(31))
        );
    }

    #[test]
    fn unknown_missing_repeated_or_doubly_dated_columns_refuse_the_file() {
        assert!(
            matches!(layout(&format!("{STANDARD},流量")), Err(FileError::UnknownColumn(name)) if name == "流量")
        );
        assert!(
            matches!(layout(&STANDARD.replace(",站点情况", "")), Err(FileError::MissingColumn(name)) if name == "站点情况")
        );
        assert!(matches!(
            layout(&format!("{STANDARD},省份")),
            Err(FileError::DuplicateColumn(_))
        ));
        assert!(matches!(
            layout(&format!("{STANDARD},数据日期(源文件名),抓取时间(快照)")),
            Err(FileError::TwoDateColumns)
        ));
    }
}
