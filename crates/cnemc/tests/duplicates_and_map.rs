//! The duplicates and conflicts the README describes, and the example station map, checked over
//! the copies of the real files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::BTreeSet;

use basin_cnemc::{normalise_name, StationMap};
use common::*;

#[test]
fn the_four_hourly_file_has_92_exact_duplicate_lines_and_83_conflicting_station_times() {
    let parsed = parsed(FOUR_HOURLY, Some(2021));
    let groups = by_station_and_time(&parsed.rows);
    let mut duplicate_readings = 0;
    let mut conflicting_pairs = 0;
    for contents in groups.values() {
        let distinct: Vec<&Content> = contents.iter().fold(Vec::new(), |mut seen, content| {
            if !seen.contains(&content) {
                seen.push(content);
            }
            seen
        });
        duplicate_readings += contents.len() - distinct.len();
        conflicting_pairs += usize::from(distinct.len() > 1);
    }
    assert_eq!(
        (groups.len(), duplicate_readings, conflicting_pairs),
        (2057, 69, 83)
    );
    // The README's 92 counts identical lines; 23 of them are repeated "station down" lines,
    // which have no time and so are never readings to deduplicate.
    let text = String::from_utf8(bytes(FOUR_HOURLY)).unwrap_or_else(|error| panic!("{error}"));
    let lines: Vec<&str> = text.lines().collect();
    let mut seen_down = BTreeSet::new();
    let repeated_down = parsed
        .down_rows
        .iter()
        .filter(|line| !seen_down.insert(lines[**line - 1]))
        .count();
    assert_eq!(repeated_down, 23);
    assert_eq!(duplicate_readings + repeated_down, 92);
}

#[test]
fn dongdian_at_four_on_april_the_fourth_is_published_both_normal_and_in_maintenance() {
    let parsed = parsed(FOUR_HOURLY, Some(2021));
    let statuses: BTreeSet<String> = find(&parsed, "东店", "2021-04-03T20:00:00+00:00")
        .iter()
        .map(|row| format!("{:?}", row.status))
        .collect();
    assert_eq!(statuses.len(), 2, "{statuses:?}");
}

#[test]
fn the_daily_and_four_hourly_files_share_16_instants_and_differ_on_10() {
    let daily = by_station_and_time(&parsed(DAILY, None).rows);
    let four_hourly = by_station_and_time(&parsed(FOUR_HOURLY, Some(2021)).rows);
    let shared: Vec<&StationTime> = daily
        .keys()
        .filter(|key| four_hourly.contains_key(*key))
        .collect();
    let differing = shared
        .iter()
        .filter(|key| daily[**key].first() != four_hourly[**key].first())
        .count();
    assert_eq!((shared.len(), differing), (16, 10));
    let gubeikou = (
        "北京市".to_owned(),
        "古北口".to_owned(),
        "2021-04-02T00:00:00Z".parse().unwrap_or_default(),
    );
    let total_phosphorus = |groups: &std::collections::BTreeMap<StationTime, Vec<Content>>| {
        groups
            .get(&gubeikou)
            .and_then(|contents| contents.first())
            .and_then(|(_, values)| values.get("tp").cloned())
    };
    assert_eq!(
        (total_phosphorus(&daily), total_phosphorus(&four_hourly)),
        (Some("0.0001".to_owned()), Some("0.005".to_owned()))
    );
}

#[test]
fn the_example_map_covers_every_published_station_with_distinct_codes() {
    let map = StationMap::parse(&bytes(MAP)).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(map.len(), 199);
    for (name, year) in [
        (DAILY, None),
        (FOUR_HOURLY, Some(2021)),
        (SNAPSHOTS, None),
        (RAW_API_DAY, Some(2020)),
    ] {
        for row in parsed(name, year).rows {
            assert!(
                map.lookup(&row.province, &row.published_name).is_some(),
                "{name}:{} {} {}",
                row.line,
                row.province,
                row.name
            );
        }
    }
    let stations = String::from_utf8(bytes(STATIONS)).unwrap_or_else(|error| panic!("{error}"));
    for line in stations.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        assert!(map.lookup(fields[0], fields[1]).is_some(), "{line}");
    }
    assert_eq!(map.lookup("北京市", "古北口"), Some("gubeikou-auto"));
    assert_eq!(map.lookup("河北省", "八号桥"), Some("bahaoqiao-auto"));
    assert_eq!(map.lookup("北京市", "后城"), Some("houcheng-auto"));
    assert_eq!(map.lookup("北京市", "沿河城"), Some("yanhecheng-auto"));
    assert_eq!(map.lookup("北京市", "谷家营"), Some("gujiaying-auto"));
    assert_eq!(
        map.lookup("北京市", "广北滨河路(桥）"),
        map.lookup("北京市", "广北滨河路（桥）")
    );
    assert_ne!(
        map.lookup("北京市", "大沙地"),
        map.lookup("河北省", "大沙地")
    );
    assert_ne!(
        map.lookup("河北省", "后城(老)"),
        map.lookup("北京市", "后城")
    );
    let text = String::from_utf8(bytes(MAP)).unwrap_or_else(|error| panic!("{error}"));
    let codes: BTreeSet<&str> = text
        .lines()
        .skip(1)
        .filter_map(|line| line.rsplit(',').next())
        .collect();
    assert_eq!(codes.len(), 199);
    assert_eq!(normalise_name("大杖子（一）"), "大杖子(一)");
}
