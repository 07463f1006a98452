//! Settlements as the API returns them: the signed document's fields, then the ledger's
//! signature, the lifecycle status and what the parties recorded against it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Exactly the fields that `document_sha256` covers (API.md "A settlement").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementDocument {
    /// Decimal digits, as a string.
    #[schema(example = "7")]
    pub id: String,
    pub agreement: String,
    pub agreement_version: i64,
    #[schema(example = "2025-07")]
    pub period: String,
    #[schema(example = "2025-06-30T16:00:00Z")]
    pub period_start: String,
    #[schema(example = "2025-07-31T16:00:00Z")]
    pub period_end: String,
    /// `{readings_digest, reading_count, sections: [{section, months, stats, class}]}`.
    #[schema(value_type = crate::api::schemas::SettlementInputs)]
    pub inputs: serde_json::Value,
    /// `[{kind, section, amount_fen, explanation}]` in the order of the agreement's components.
    #[schema(value_type = Vec<crate::api::schemas::ComponentAmount>)]
    pub components: serde_json::Value,
    /// Positive: downstream pays upstream.
    pub net_fen: i64,
    pub payer: Option<String>,
    pub payee: Option<String>,
    pub amount_fen: i64,
    pub issued_at: String,
    pub supersedes: Option<SupersedesRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Settlement {
    #[serde(flatten)]
    pub document: SettlementDocument,
    pub document_sha256: String,
    /// The ledger's Ed25519 signature over `basin-ledger/settlement/v1\n<document_sha256>\n`.
    pub signature: String,
    pub key_id: String,
    /// `issued`, `acknowledged`, `disputed`, `paid` or `superseded`.
    #[schema(value_type = crate::api::schemas::SettlementStatus)]
    pub status: String,
    pub log_index: u64,
    /// The settlement that replaced this one, if any.
    pub superseded_by: Option<String>,
    pub paid_fen: i64,
    pub outstanding_fen: i64,
    pub acknowledgements: Vec<Acknowledgement>,
    pub disputes: Vec<Dispute>,
    pub payments: Vec<Payment>,
}

/// A dry run: the document that would be issued now, neither stored, signed nor logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SettlementPreview {
    #[serde(flatten)]
    pub document: SettlementDocument,
    pub document_sha256: String,
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Acknowledgement {
    pub jurisdiction: String,
    pub key_id: String,
    /// The party's signature over `basin-ledger/ack/v1\n<document_sha256>\n`.
    pub signature: String,
    pub acknowledged_at: String,
    pub log_index: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Dispute {
    pub jurisdiction: String,
    pub reason: String,
    pub disputed_at: String,
    pub log_index: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    pub reference: String,
    pub amount_fen: i64,
    pub paid_at: String,
    pub recorded_at: String,
    pub log_index: u64,
}

/// `supersedes` in the document: the settlement replaced and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupersedesRef {
    pub settlement_id: String,
    pub reason: String,
}
