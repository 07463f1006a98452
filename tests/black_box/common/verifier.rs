//! The auditor's verifier run over a test app's database, against the checkpoint the app serves.
#![allow(dead_code)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use basin_ledger::export::bundle_from_database;
use basin_ledger::ledger_key::LOG_ORIGIN_DEFAULT;
use basin_ledger::verify::{verify_bundle, Failure, LogKey, Report, VerifyOptions};

use super::TestApp;

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Exports everything up to the served checkpoint and verifies it as `verify --bundle` does.
    pub async fn verify_as_auditor(&self) -> Result<Report, Failure> {
        let checkpoint = self.published_checkpoint().await;
        let size: u64 = checkpoint.lines().nth(1).unwrap().parse().unwrap();
        let log_key = LogKey::single(LOG_ORIGIN_DEFAULT, self.ledger_public_key);
        let mut connection = self.pool.get().unwrap();
        let bundle = bundle_from_database(&mut connection, checkpoint, size, log_key).unwrap();
        verify_bundle(
            &bundle,
            &VerifyOptions {
                old_checkpoint: None,
            },
            &mut |_, _| {},
        )
    }
}
