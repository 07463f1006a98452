//! The eleven value columns of the standard layout and the basin-ledger parameter code each one
//! feeds.

/// A published value column and the ledger's code for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameter {
    /// The column header as published, unit included (`总磷(mg/L)`).
    pub column: &'static str,
    pub code: &'static str,
}

/// In the order of the standard layout.
pub const PARAMETERS: [Parameter; 11] = [
    Parameter {
        column: "水温(℃)",
        code: "temp",
    },
    Parameter {
        column: "pH(无量纲)",
        code: "ph",
    },
    Parameter {
        column: "溶解氧(mg/L)",
        code: "do",
    },
    Parameter {
        column: "电导率(μS/cm)",
        code: "conductivity",
    },
    Parameter {
        column: "浊度(NTU)",
        code: "turbidity",
    },
    Parameter {
        column: "高锰酸盐指数(mg/L)",
        code: "codmn",
    },
    Parameter {
        column: "氨氮(mg/L)",
        code: "nh3n",
    },
    Parameter {
        column: "总磷(mg/L)",
        code: "tp",
    },
    Parameter {
        column: "总氮(mg/L)",
        code: "tn",
    },
    Parameter {
        column: "叶绿素α(mg/L)",
        code: "chla",
    },
    Parameter {
        column: "藻密度(cells/L)",
        code: "algae",
    },
];

pub(crate) const PARAMETER_COUNT: usize = PARAMETERS.len();
