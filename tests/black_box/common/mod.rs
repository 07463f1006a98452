//! Test harness: each test gets its own database (a fresh SQLite file, or a fresh PostgreSQL
//! schema when `DATABASE_URL` points at PostgreSQL) and the app in-process.
#![allow(dead_code)]

pub mod agreements;
pub mod audit;
pub mod checkpoints;
pub mod hj212;
pub mod proxy;
pub mod publication;
pub mod server_process;
pub mod signed_ledger;
pub mod tamper;
pub mod verifier;
pub mod witness_process;

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use basin_ledger::api::{build_app, state::AppState};
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::model::access::Role;
use basin_ledger::server::{open_database, register_ledger_key};
use basin_ledger::store::{DatabaseUrl, Pool};
use basin_ledger::tokens::create_token;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::Value;

static SCHEMA_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A database of the test's own, dropped afterwards.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    postgres_cleanup: Option<(String, String)>,
    _directory: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub fn new() -> Self {
        match std::env::var("DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => Self::postgres(&url),
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        let path = directory.path().join("ledger.db");
        Self {
            url: DatabaseUrl::Sqlite(path.to_string_lossy().into_owned()),
            postgres_cleanup: None,
            _directory: Some(directory),
        }
    }

    /// A fresh schema in the given database; every pooled connection gets it as search_path.
    pub fn postgres(base_url: &str) -> Self {
        let schema = format!(
            "test_{}_{}_{}",
            std::process::id(),
            SCHEMA_COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_micros()
        );
        let mut connection =
            diesel::PgConnection::establish(base_url).expect("PostgreSQL reachable");
        connection
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create schema");
        let separator = if base_url.contains('?') { '&' } else { '?' };
        let url = format!("{base_url}{separator}options=-csearch_path%3D{schema}");
        Self {
            url: DatabaseUrl::Postgres(url),
            postgres_cleanup: Some((base_url.to_owned(), schema)),
            _directory: None,
        }
    }

    pub fn pool(&self) -> Pool {
        open_database(&self.url).expect("database opens and migrates")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((base_url, schema)) = &self.postgres_cleanup {
            if let Ok(mut connection) = diesel::PgConnection::establish(base_url) {
                let _ = connection.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}

/// A JSON response: status, content type and parsed body (Null when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the reply is problem+json with this status and returns its pointers.
    pub fn problem_pointers(&self, status: u16) -> Vec<String> {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {}",
            self.text
        );
        assert_eq!(self.body["status"], status, "body: {}", self.text);
        assert!(self.body["type"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()));
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|error| {
                        error["pointer"]
                            .as_str()
                            .or(error["parameter"].as_str())
                            .or(error["header"].as_str())
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct TestApp<S> {
    pub service: S,
    pub pool: Pool,
    pub admin_token: String,
    pub database: TestDatabase,
    /// The public half of the in-memory ledger key that signs this app's settlements.
    pub ledger_public_key: ed25519_dalek::VerifyingKey,
}

pub async fn spawn_app() -> TestApp<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    spawn_app_configured(|state| state).await
}

/// The app with its state adjusted (a lower rate limit, say) before it starts.
pub async fn spawn_app_configured(
    configure: impl FnOnce(AppState) -> AppState,
) -> TestApp<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    spawn_app_publishing(configure, true).await
}

/// The app with or without its background publisher (without it, nothing is ever published).
pub async fn spawn_app_publishing(
    configure: impl FnOnce(AppState) -> AppState,
    publish: bool,
) -> TestApp<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    let database = TestDatabase::new();
    let pool = database.pool();
    let admin_token = {
        let mut connection = pool.get().expect("connection");
        create_token(
            &mut connection,
            Role::Admin,
            None,
            Some("test"),
            chrono::Utc::now(),
        )
        .expect("admin token")
    };
    let backend = database.url.backend_name();
    // In memory: only the binary's own tests exercise the key file.
    let ledger_key = LedgerKey::generate(LOG_ORIGIN_DEFAULT).expect("ledger key");
    register_ledger_key(&pool, &ledger_key).expect("ledger key registers");
    let ledger_public_key = ledger_key.public_key();
    let mut state = configure(
        AppState::new(pool.clone(), backend, ledger_key)
            .with_publish_settings(publication::TEST_PUBLISH_SETTINGS),
    );
    if publish {
        state = state.start_publisher().expect("publisher starts");
    }
    let state = web::Data::new(state);
    let service = test::init_service(build_app(state)).await;
    TestApp {
        service,
        pool,
        admin_token,
        database,
        ledger_public_key,
    }
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    pub fn token(&self, role: Role, subject: Option<&str>) -> String {
        let mut connection = self.pool.get().expect("connection");
        create_token(&mut connection, role, subject, None, chrono::Utc::now()).expect("token")
    }

    pub async fn send(&self, request: TestRequest) -> Reply {
        let response = test::call_service(&self.service, request.to_request()).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = test::read_body(response).await;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = TestRequest::get().uri(path);
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        self.send(request).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = TestRequest::delete().uri(path);
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        self.send(request).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        body: impl Into<Vec<u8>>,
    ) -> Reply {
        let mut request = TestRequest::post()
            .uri(path)
            .insert_header(("Content-Type", "application/json"))
            .set_payload(body.into());
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        self.send(request).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.post_raw(path, token, serde_json::to_vec(body).expect("json"))
            .await
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> Reply {
        let reply = self
            .post(path, Some(&self.admin_token.clone()), &body)
            .await;
        assert_eq!(
            reply.status.as_u16(),
            201,
            "POST {path} failed: {}",
            reply.text
        );
        reply
    }

    /// The Miyun / Chaobai registry used across tests: Beijing downstream of Chengde.
    pub async fn register_chaobai(&self) {
        self.admin_post(
            "/v1/jurisdictions",
            serde_json::json!({"code": "BJ", "name": "北京市"}),
        )
        .await;
        self.admin_post(
            "/v1/jurisdictions",
            serde_json::json!({"code": "HE", "name": "河北省"}),
        )
        .await;
        self.admin_post(
            "/v1/jurisdictions",
            serde_json::json!({"code": "HE-CD", "name": "承德市", "parent": "HE"}),
        )
        .await;
        self.admin_post(
            "/v1/basins",
            serde_json::json!({"code": "chaobai", "name": "潮白河"}),
        )
        .await;
        self.admin_post(
            "/v1/sections",
            serde_json::json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河",
                "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ",
                "latitude": 40.6921, "longitude": "117.1547"}),
        )
        .await;
        self.admin_post(
            "/v1/stations",
            serde_json::json!({"code": "gubeikou-auto", "name": "古北口自动站", "section": "gubeikou"}),
        )
        .await;
    }
}
