//! Who may read the log's tiles (and receipts): with `LOG_READ=tokens` (the default) any valid
//! token, as for `/v1/log/entries`; with `LOG_READ=public` everyone, as a public transparency
//! log would. The decision is this one extractor, so every endpoint that serves the log's
//! public material decides the same way.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::api::auth::Caller;
use crate::api::problem::ApiError;
use crate::api::state::AppState;
use crate::model::access::LogRead;

/// A request allowed to read the log's public material: the caller, when a token was needed
/// (or sent), or nobody in particular when the log is public.
pub struct LogReader(pub Option<Caller>);

/// The access decision: public logs admit anyone; otherwise the token must be valid.
pub fn needs_token(log_read: LogRead) -> bool {
    log_read == LogRead::Tokens
}

impl FromRequest for LogReader {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let public = request
            .app_data::<web::Data<AppState>>()
            .is_some_and(|state| !needs_token(state.log_read));
        if public {
            return Box::pin(async { Ok(LogReader(None)) });
        }
        let caller = Caller::from_request(request, payload);
        Box::pin(async move { caller.await.map(|caller| LogReader(Some(caller))) })
    }
}
