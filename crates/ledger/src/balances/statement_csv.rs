//! The statement as CSV, in UTF-8 with a byte-order mark so spreadsheet tools read the Chinese
//! names correctly. It is written into memory; the server sends the bytes.

use std::collections::BTreeMap;

use basin_domain::{Code, Fen};

use super::{Statement, StatementLine};

const BYTE_ORDER_MARK: &str = "\u{feff}";

/// The CSV header: Chinese for the people who open it, the JSON field name after it.
pub const CSV_HEADER: [&str; 17] = [
    "行类型 line",
    "结算编号 settlement_id",
    "协议 agreement",
    "协议名称 agreement_name",
    "期间 period",
    "状态 status",
    "对方 counterparty",
    "对方名称 counterparty_name",
    "方向 direction",
    "组成类型 kind",
    "断面 section",
    "金额（分） amount_fen",
    "金额（元） amount_yuan",
    "已付（分） paid_fen",
    "未付（分） outstanding_fen",
    "凭证号 reference",
    "日志序号 log_index",
];

/// Names for the CSV: jurisdiction and agreement codes to their (Chinese) names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub jurisdictions: BTreeMap<Code, String>,
    pub agreements: BTreeMap<Code, String>,
}

/// `amount` as 元 with two decimals, by integer arithmetic: `-1234567` fen → `"-12345.67"`.
pub fn yuan_text(amount: Fen) -> String {
    let fen = amount.as_i64();
    let sign = if fen < 0 { "-" } else { "" };
    let magnitude = fen.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// One CSV row besides the fields every row of a settlement repeats.
struct Row<'a> {
    line: &'a str,
    kind: &'a str,
    section: &'a str,
    amount_fen: Fen,
    paid_fen: Option<Fen>,
    outstanding_fen: Option<Fen>,
    reference: &'a str,
    log_index: u64,
}

fn optional(amount: Option<Fen>) -> String {
    amount.map(|fen| fen.to_string()).unwrap_or_default()
}

/// The fields every row of one settlement repeats, as text.
struct Repeated {
    settlement_id: String,
    agreement: String,
    agreement_name: String,
    period: String,
    status: String,
    counterparty: String,
    counterparty_name: String,
    direction: String,
}

impl Repeated {
    fn of(line: &StatementLine, names: &Names) -> Self {
        let settlement = &line.settlement;
        // A code without a name prints an empty name: the code beside it still says who it is.
        let name =
            |map: &BTreeMap<Code, String>, code: &Code| map.get(code).cloned().unwrap_or_default();
        Self {
            settlement_id: settlement.id.to_string(),
            agreement: settlement.agreement.to_string(),
            agreement_name: name(&names.agreements, &settlement.agreement),
            period: settlement.period.to_string(),
            status: settlement.status.as_str().to_owned(),
            counterparty: line.counterparty.to_string(),
            counterparty_name: name(&names.jurisdictions, &line.counterparty),
            direction: line.direction.as_str().to_owned(),
        }
    }

    fn record(&self, row: Row<'_>) -> [String; 17] {
        [
            row.line.to_owned(),
            self.settlement_id.clone(),
            self.agreement.clone(),
            self.agreement_name.clone(),
            self.period.clone(),
            self.status.clone(),
            self.counterparty.clone(),
            self.counterparty_name.clone(),
            self.direction.clone(),
            row.kind.to_owned(),
            row.section.to_owned(),
            row.amount_fen.to_string(),
            yuan_text(row.amount_fen),
            optional(row.paid_fen),
            optional(row.outstanding_fen),
            row.reference.to_owned(),
            row.log_index.to_string(),
        ]
    }
}

/// The statement as CSV: a BOM, the header, then per settlement one `settlement` row followed by
/// its `component` and `payment` rows.
pub fn statement_csv(statement: &Statement, names: &Names) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(BYTE_ORDER_MARK.as_bytes().to_vec());
    writer.write_record(CSV_HEADER)?;
    for line in &statement.lines {
        let settlement = &line.settlement;
        let repeated = Repeated::of(line, names);
        writer.write_record(repeated.record(Row {
            line: "settlement",
            kind: "",
            section: "",
            amount_fen: settlement.amount_fen,
            paid_fen: Some(line.paid_fen),
            outstanding_fen: Some(line.outstanding_fen),
            reference: "",
            log_index: settlement.log_index,
        }))?;
        for component in &settlement.components {
            writer.write_record(repeated.record(Row {
                line: "component",
                kind: component.kind.as_str(),
                section: component.section.as_ref().map_or("", Code::as_str),
                amount_fen: component.amount_fen,
                paid_fen: None,
                outstanding_fen: None,
                reference: "",
                log_index: settlement.log_index,
            }))?;
        }
        for payment in &settlement.payments {
            writer.write_record(repeated.record(Row {
                line: "payment",
                kind: "",
                section: "",
                amount_fen: payment.amount_fen,
                paid_fen: None,
                outstanding_fen: None,
                reference: &payment.reference,
                log_index: payment.log_index,
            }))?;
        }
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}
