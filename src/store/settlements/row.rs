//! A settlement as stored: the canonical document text and the columns queries filter on.

use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct SettlementRow {
    pub id: i64,
    pub agreement: String,
    pub agreement_version: i64,
    pub period: String,
    pub document: String,
    pub document_sha256: String,
    pub signature: String,
    pub key_id: String,
    pub status: String,
    pub net_fen: i64,
    pub amount_fen: i64,
    pub payer: Option<String>,
    pub payee: Option<String>,
    pub issued_at: String,
    pub log_index: i64,
    pub supersedes: Option<i64>,
    pub superseded_by: Option<i64>,
}
