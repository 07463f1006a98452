//! Builders for agreement and settlement tests: a monthly agreement at 古北口 whose amounts are
//! easy to follow by hand, and readings posted through the API.
#![allow(dead_code)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

use super::{Reply, TestApp};

/// Index on CODMn and NH3-N (±1 000 000 fen) and class steps on CODMn, NH3-N, TP (300 000 fen
/// per step worse than II, 50 000 per step better).
pub fn components() -> Value {
    json!([
        {"kind": "index", "section": "gubeikou", "k0": "1",
         "weights": {"codmn": "0.5", "nh3n": "0.5"}, "baseline": {"codmn": "4", "nh3n": "0.5"},
         "tiers": [{"max_p": "1", "amount_fen": 1_000_000}, {"max_p": null, "amount_fen": -1_000_000}]},
        {"kind": "class_steps", "section": "gubeikou", "parameters": ["codmn", "nh3n", "tp"],
         "rate_worse_fen": 300_000, "rate_better_fen": 50_000}
    ])
}

pub fn agreement(code: &str, upstream: &str, downstream: &str, components: Value) -> Value {
    json!({"code": code, "name": "密云上游试验协议", "basin": "chaobai", "upstream": upstream,
           "downstream": downstream, "period": "month", "effective_from": "2025-01",
           "components": components})
}

/// July 2025: every parameter class I. Index P = 0.345 → +1 000 000; 3 steps better → +150 000.
pub fn good_values() -> Value {
    json!({"codmn": "1.8", "nh3n": "0.12", "tp": "0.015", "tn": "1.00"})
}

/// Every parameter class IV: P = 2.075 → −1 000 000; 6 steps worse → −1 800 000.
pub fn bad_values() -> Value {
    json!({"codmn": "7.0", "nh3n": "1.20", "tp": "0.250", "tn": "1.00"})
}

/// A bureau key pair for `jurisdiction`, registered through the API; returns it with its key id.
pub struct BureauKey {
    pub signing_key: SigningKey,
    pub key_id: String,
}

impl BureauKey {
    /// Base64 signature over `basin-ledger/ack/v1\n<document_sha256>\n`.
    pub fn ack(&self, document_sha256: &str) -> String {
        let message = format!("basin-ledger/ack/v1\n{document_sha256}\n");
        base64::engine::general_purpose::STANDARD
            .encode(self.signing_key.sign(message.as_bytes()).to_bytes())
    }
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// The Chaobai registry plus the standard test agreement `miyun-test` (HE-CD → BJ).
    pub async fn register_test_agreement(&self) {
        self.register_chaobai().await;
        self.admin_post(
            "/v1/agreements",
            agreement("miyun-test", "HE-CD", "BJ", components()),
        )
        .await;
    }

    /// Posts one batch of gubeikou readings as admin; returns their ids.
    pub async fn post_readings(&self, batch_id: &str, readings: &[(&str, Value)]) -> Vec<i64> {
        let readings: Vec<Value> = readings
            .iter()
            .map(|(sampled_at, values)| {
                json!({"section": "gubeikou", "sampled_at": sampled_at, "values": values})
            })
            .collect();
        let body = json!({"batch_id": batch_id, "station": "gubeikou-auto", "readings": readings});
        let reply = self.admin_post("/v1/readings", body).await;
        reply.body["reading_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_i64().unwrap())
            .collect()
    }

    /// Two readings in the month (`2025-07`) with these values.
    pub async fn post_month(&self, month: &str, values: Value) -> Vec<i64> {
        self.post_readings(
            &format!("month-{month}"),
            &[
                (&format!("{month}-03T09:00:00+08:00"), values.clone()),
                (&format!("{month}-17T09:00:00+08:00"), values),
            ],
        )
        .await
    }

    pub async fn issue(&self, agreement: &str, body: Value) -> Reply {
        let token = self.admin_token.clone();
        self.post(
            &format!("/v1/agreements/{agreement}/settlements"),
            Some(&token),
            &body,
        )
        .await
    }

    /// A dry run of issuing the agreement's settlement for `period`, as admin.
    pub async fn dry_run(&self, agreement: &str, period: &str) -> Reply {
        let token = self.admin_token.clone();
        self.post(
            &format!("/v1/agreements/{agreement}/settlements?dry_run=true"),
            Some(&token),
            &json!({"period": period}),
        )
        .await
    }

    /// Issues and asserts 201.
    pub async fn issue_period(&self, agreement: &str, period: &str) -> Value {
        let reply = self.issue(agreement, json!({"period": period})).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.body
    }

    pub async fn register_bureau_key(&self, jurisdiction: &str, seed: u8) -> BureauKey {
        let signing_key = SigningKey::from_bytes(&[seed; 32]);
        let public_key = base64::engine::general_purpose::STANDARD
            .encode(signing_key.verifying_key().as_bytes());
        let reply = self
            .admin_post(
                &format!("/v1/jurisdictions/{jurisdiction}/keys"),
                json!({"public_key": public_key}),
            )
            .await;
        BureauKey {
            signing_key,
            key_id: reply.body["key_id"].as_str().unwrap().to_owned(),
        }
    }
}
