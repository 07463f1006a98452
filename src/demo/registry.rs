//! The demo's registry: the jurisdictions, basins, sections and stations of the Miyun
//! (潮白河) and Guanting (永定河) agreements, with the real section names and the station codes of
//! `examples/data/cnemc/map.csv`. Coordinates are left out rather than guessed.

use crate::model::registry::{Basin, Jurisdiction, Section, Station};
use crate::store::{self, registry, AnyConnection, StoreError};

/// (code, name, parent)
const JURISDICTIONS: [(&str, &str, Option<&str>); 4] = [
    ("BJ", "北京市", None),
    ("HE", "河北省", None),
    ("HE-CD", "承德市", Some("HE")),
    ("HE-ZJK", "张家口市", Some("HE")),
];

const BASINS: [(&str, &str); 2] = [
    ("chaobai", "潮白河（密云水库上游）"),
    ("yongding", "永定河（官厅水库上游）"),
];

/// (code, name, basin, river, target class, upstream, downstream). Water flows from `upstream`
/// into `downstream` at the section: 古北口 carries the Chao river from Chengde into Miyun, 后城 the
/// Bai river from Zhangjiakou, 八号桥 the Yongding from Zhangjiakou into Guanting, 沿河城 the
/// Yongding below Guanting. 谷家营 is on the Gui river, Beijing's own inflow to the shared Guanting
/// reservoir, so there Beijing is the upstream party: compensation runs both ways.
const SECTIONS: [(&str, &str, &str, &str, &str, &str, &str); 5] = [
    ("gubeikou", "古北口", "chaobai", "潮河", "II", "HE-CD", "BJ"),
    ("houcheng", "后城", "chaobai", "白河", "II", "HE-ZJK", "BJ"),
    (
        "bahaoqiao",
        "八号桥",
        "yongding",
        "永定河",
        "III",
        "HE-ZJK",
        "BJ",
    ),
    (
        "gujiaying",
        "谷家营",
        "yongding",
        "妫水河",
        "III",
        "BJ",
        "HE-ZJK",
    ),
    (
        "yanhecheng",
        "沿河城",
        "yongding",
        "永定河",
        "III",
        "HE-ZJK",
        "BJ",
    ),
];

/// Registers whatever is missing; what exists already is left as it is (so a restart adds
/// nothing). Returns how many resources were created.
pub fn register(connection: &mut AnyConnection, created_at: &str) -> Result<usize, StoreError> {
    let mut created = 0;
    for (code, name, parent) in JURISDICTIONS {
        if !registry::jurisdiction_exists(connection, code)? {
            let jurisdiction = Jurisdiction {
                code: code.into(),
                name: name.into(),
                parent: parent.map(Into::into),
                keys: Vec::new(),
                created_at: created_at.into(),
            };
            store::write_transaction(connection, |connection, log| {
                registry::create_jurisdiction(connection, log, &jurisdiction)
            })?;
            created += 1;
        }
    }
    for (code, name) in BASINS {
        if matches!(
            registry::get_basin(connection, code),
            Err(StoreError::NotFound { .. })
        ) {
            let basin = Basin {
                code: code.into(),
                name: name.into(),
                created_at: created_at.into(),
            };
            store::write_transaction(connection, |connection, log| {
                registry::create_basin(connection, log, &basin)
            })?;
            created += 1;
        }
    }
    for (code, name, basin, river, target_class, upstream, downstream) in SECTIONS {
        if registry::find_section(connection, code)?.is_none() {
            let section = Section {
                code: code.into(),
                name: name.into(),
                basin: basin.into(),
                river: river.into(),
                water_body: "river".into(),
                target_class: target_class.into(),
                upstream: upstream.into(),
                downstream: downstream.into(),
                latitude: None,
                longitude: None,
                created_at: created_at.into(),
            };
            store::write_transaction(connection, |connection, log| {
                registry::create_section(connection, log, &section)
            })?;
            created += 1;
        }
        let station_code = format!("{code}-auto");
        if registry::find_station(connection, &station_code)?.is_none() {
            let station = Station {
                code: station_code,
                name: format!("{name}自动站"),
                section: code.into(),
                public_key: None,
                key_id: None,
                keys: Vec::new(),
                created_at: created_at.into(),
            };
            store::write_transaction(connection, |connection, log| {
                registry::create_station(connection, log, &station)
            })?;
            created += 1;
        }
    }
    Ok(created)
}
