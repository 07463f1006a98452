//! A jurisdiction's statement for a year: every settlement it is a party to (superseded ones
//! too, marked as not counted), its components and payments, each with the log index that proves
//! it; as JSON, and as CSV in UTF-8 with a byte-order mark so spreadsheet tools read the Chinese
//! names correctly. PURE.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::{yuan_text, Amounts, BalanceError, YearOfSettlements, SUPERSEDED};
use crate::model::settlement::{Payment, Settlement};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatementComponent {
    pub kind: String,
    pub section: Option<String>,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatementLine {
    pub settlement_id: String,
    pub agreement: String,
    pub agreement_version: i64,
    pub period: String,
    pub status: String,
    pub counterparty: String,
    /// `pay`, `receive`, or `none` for a zero net.
    pub direction: &'static str,
    pub amount_fen: i64,
    pub net_fen: i64,
    pub paid_fen: i64,
    pub outstanding_fen: i64,
    /// False for a superseded settlement: listed, never counted in the totals.
    pub counted: bool,
    /// The `settlement.issued` entry; payments carry their own.
    pub log_index: u64,
    pub superseded_by: Option<String>,
    pub components: Vec<StatementComponent>,
    pub payments: Vec<Payment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Statement {
    pub jurisdiction: String,
    pub year: i32,
    /// Over every counterparty: the same fields as a balance.
    pub totals: Amounts,
    /// Ordered by period, then settlement id.
    pub lines: Vec<StatementLine>,
}

/// Names for the CSV: jurisdiction and agreement codes to their (Chinese) names.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub jurisdictions: BTreeMap<String, String>,
    pub agreements: BTreeMap<String, String>,
}

fn components(settlement: &Settlement) -> Result<Vec<StatementComponent>, BalanceError> {
    let corrupt = || BalanceError::Document(settlement.document.id.clone());
    let list = settlement
        .document
        .components
        .as_array()
        .ok_or_else(corrupt)?;
    list.iter()
        .map(|component| {
            Ok(StatementComponent {
                kind: component["kind"].as_str().ok_or_else(corrupt)?.to_owned(),
                section: component["section"].as_str().map(str::to_owned),
                amount_fen: component["amount_fen"].as_i64().ok_or_else(corrupt)?,
            })
        })
        .collect()
}

/// The statement of `jurisdiction` over the given year's settlements.
pub fn statement(
    year_of: &YearOfSettlements<'_>,
    jurisdiction: &str,
    year: i32,
) -> Result<Statement, BalanceError> {
    let mut totals = Amounts::default();
    for pair in super::balances(year_of, Some(jurisdiction))? {
        totals.add_amounts(&pair.amounts)?;
    }
    let mut lines = Vec::new();
    for settlement in year_of.settlements {
        let document = &settlement.document;
        let parties = year_of
            .parties
            .get(&document.agreement)
            .ok_or_else(|| BalanceError::UnknownAgreement(document.id.clone()))?;
        let Some(counterparty) = parties.counterparty_of(jurisdiction) else {
            continue;
        };
        let direction = if document.payer.as_deref() == Some(jurisdiction) {
            "pay"
        } else if document.payee.as_deref() == Some(jurisdiction) {
            "receive"
        } else {
            "none"
        };
        lines.push(StatementLine {
            settlement_id: document.id.clone(),
            agreement: document.agreement.clone(),
            agreement_version: document.agreement_version,
            period: document.period.clone(),
            status: settlement.status.clone(),
            counterparty: counterparty.to_owned(),
            direction,
            amount_fen: document.amount_fen,
            net_fen: document.net_fen,
            paid_fen: settlement.paid_fen,
            outstanding_fen: settlement.outstanding_fen,
            counted: settlement.status != SUPERSEDED,
            log_index: settlement.log_index,
            superseded_by: settlement.superseded_by.clone(),
            components: components(settlement)?,
            payments: settlement.payments.clone(),
        });
    }
    lines.sort_by(|a, b| {
        (a.period.as_str(), numeric(&a.settlement_id))
            .cmp(&(b.period.as_str(), numeric(&b.settlement_id)))
    });
    Ok(Statement {
        jurisdiction: jurisdiction.to_owned(),
        year,
        totals,
        lines,
    })
}

fn numeric(id: &str) -> (usize, &str) {
    (id.len(), id)
}

/// One CSV row besides the fields every row of a settlement repeats.
struct Row<'a> {
    line: &'a str,
    kind: &'a str,
    section: &'a str,
    amount_fen: i64,
    paid_fen: Option<i64>,
    outstanding_fen: Option<i64>,
    reference: &'a str,
    log_index: u64,
}

fn optional(amount: Option<i64>) -> String {
    amount.map(|fen| fen.to_string()).unwrap_or_default()
}

/// The statement as CSV: a BOM, the header, then per settlement one `settlement` row followed by
/// its `component` and `payment` rows.
pub fn statement_csv(statement: &Statement, names: &Names) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(BYTE_ORDER_MARK.as_bytes().to_vec());
    writer.write_record(CSV_HEADER)?;
    for line in &statement.lines {
        let name =
            |map: &BTreeMap<String, String>, code: &str| map.get(code).cloned().unwrap_or_default();
        let agreement_name = name(&names.agreements, &line.agreement);
        let counterparty_name = name(&names.jurisdictions, &line.counterparty);
        let mut write = |row: Row<'_>| {
            writer.write_record([
                row.line.to_owned(),
                line.settlement_id.clone(),
                line.agreement.clone(),
                agreement_name.clone(),
                line.period.clone(),
                line.status.clone(),
                line.counterparty.clone(),
                counterparty_name.clone(),
                line.direction.to_owned(),
                row.kind.to_owned(),
                row.section.to_owned(),
                row.amount_fen.to_string(),
                yuan_text(row.amount_fen),
                optional(row.paid_fen),
                optional(row.outstanding_fen),
                row.reference.to_owned(),
                row.log_index.to_string(),
            ])
        };
        write(Row {
            line: "settlement",
            kind: "",
            section: "",
            amount_fen: line.amount_fen,
            paid_fen: Some(line.paid_fen),
            outstanding_fen: Some(line.outstanding_fen),
            reference: "",
            log_index: line.log_index,
        })?;
        for component in &line.components {
            write(Row {
                line: "component",
                kind: &component.kind,
                section: component.section.as_deref().unwrap_or(""),
                amount_fen: component.amount_fen,
                paid_fen: None,
                outstanding_fen: None,
                reference: "",
                log_index: line.log_index,
            })?;
        }
        for payment in &line.payments {
            write(Row {
                line: "payment",
                kind: "",
                section: "",
                amount_fen: payment.amount_fen,
                paid_fen: None,
                outstanding_fen: None,
                reference: &payment.reference,
                log_index: payment.log_index,
            })?;
        }
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}
