//! The bridge between stored settlements and the ledger core's balances
//! (`basin_ledger_core::balances`), where the computation lives. The store reads one year into
//! the row shapes below; [`year_of_settlements`] and [`names`] turn them into the core's typed
//! input, refusing (never skipping) a stored value that does not parse.

use std::collections::BTreeMap;

use basin_domain::{Code, Fen, Period};
use basin_ledger_core::balances::{
    self as core, ComponentAmount, PaymentRecord, SettlementRecord, YearOfSettlements,
};
use basin_ledger_core::settlement::lifecycle::Status;

use crate::model::settlement::Settlement;
use crate::model::time::parse_instant;

/// The two parties of an agreement, as the store reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    pub upstream: String,
    pub downstream: String,
}

/// Names for the CSV, as the store reads them: jurisdiction and agreement codes to their
/// (Chinese) names.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub jurisdictions: BTreeMap<String, String>,
    pub agreements: BTreeMap<String, String>,
}

type Cause = Box<dyn std::error::Error + Send + Sync>;

/// A stored value that the ledger core's types refuse: the database holds something that was
/// not written by the ledger, so the request fails rather than computing over part of the year.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("settlement {settlement}: the stored {field} is not as issued")]
    Settlement {
        settlement: String,
        field: &'static str,
        #[source]
        cause: Cause,
    },
    #[error("the stored code {code:?} is not a code")]
    Code {
        code: String,
        #[source]
        cause: Cause,
    },
}

fn code(text: &str) -> Result<Code, RecordError> {
    Code::parse(text).map_err(|cause| RecordError::Code {
        code: text.to_owned(),
        cause: cause.into(),
    })
}

/// The one conversion from a stored settlement to the core's input.
pub fn settlement_record(settlement: &Settlement) -> Result<SettlementRecord, RecordError> {
    let document = &settlement.document;
    let field = |field: &'static str| {
        move |cause: Cause| RecordError::Settlement {
            settlement: document.id.clone(),
            field,
            cause,
        }
    };
    let fen = |amount: i64, name| Fen::new(amount).map_err(|cause| field(name)(cause.into()));
    let id = |text: &str, name| {
        text.parse::<u64>()
            .map_err(|cause| field(name)(cause.into()))
    };
    let party = |text: &Option<String>, name| {
        text.as_deref()
            .map(Code::parse)
            .transpose()
            .map_err(|cause| field(name)(cause.into()))
    };
    let status = Status::parse(&settlement.status)
        .ok_or_else(|| field("status")(format!("{:?}", settlement.status).into()))?;
    let components: Vec<ComponentAmount> = serde_json::from_value(document.components.clone())
        .map_err(|cause| field("components")(cause.into()))?;
    let payments = settlement
        .payments
        .iter()
        .map(|payment| {
            Ok(PaymentRecord {
                reference: payment.reference.clone(),
                amount_fen: fen(payment.amount_fen, "payment amount_fen")?,
                paid_at: parse_instant(&payment.paid_at)
                    .map_err(|cause| field("payment paid_at")(cause.into()))?,
                recorded_at: parse_instant(&payment.recorded_at)
                    .map_err(|cause| field("payment recorded_at")(cause.into()))?,
                log_index: payment.log_index,
            })
        })
        .collect::<Result<Vec<_>, RecordError>>()?;
    Ok(SettlementRecord {
        id: id(&document.id, "id")?,
        agreement: Code::parse(&document.agreement)
            .map_err(|cause| field("agreement")(cause.into()))?,
        agreement_version: document.agreement_version,
        period: Period::parse(&document.period).map_err(|cause| field("period")(cause.into()))?,
        status,
        payer: party(&document.payer, "payer")?,
        payee: party(&document.payee, "payee")?,
        amount_fen: fen(document.amount_fen, "amount_fen")?,
        net_fen: fen(document.net_fen, "net_fen")?,
        log_index: settlement.log_index,
        superseded_by: settlement
            .superseded_by
            .as_deref()
            .map(|text| id(text, "superseded_by"))
            .transpose()?,
        components,
        payments,
    })
}

/// The year's settlements and every agreement's parties, as the core takes them.
pub fn year_of_settlements(
    settlements: &[Settlement],
    parties: &BTreeMap<String, Parties>,
) -> Result<YearOfSettlements, RecordError> {
    Ok(YearOfSettlements {
        settlements: settlements
            .iter()
            .map(settlement_record)
            .collect::<Result<_, _>>()?,
        parties: parties
            .iter()
            .map(|(agreement, parties)| {
                Ok((
                    code(agreement)?,
                    core::Parties {
                        upstream: code(&parties.upstream)?,
                        downstream: code(&parties.downstream)?,
                    },
                ))
            })
            .collect::<Result<_, RecordError>>()?,
    })
}

/// The names the CSV prints, keyed by code.
pub fn names(names: &Names) -> Result<core::Names, RecordError> {
    let keyed = |map: &BTreeMap<String, String>| {
        map.iter()
            .map(|(key, name)| Ok((code(key)?, name.clone())))
            .collect::<Result<BTreeMap<_, _>, RecordError>>()
    };
    Ok(core::Names {
        jurisdictions: keyed(&names.jurisdictions)?,
        agreements: keyed(&names.agreements)?,
    })
}
