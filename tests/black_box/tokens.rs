//! Tokens that can be withdrawn (API.md "Tokens"): admins mint, list and revoke them over HTTP
//! and on the command line; a token may expire; a revoked or expired token gets 401 on its next
//! request from every server process on the database. Secrets are shown once and never listed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use std::process::Command;

use crate::common;

use basin_ledger::model::access::Role;
use basin_ledger::store::DatabaseUrl;
use basin_ledger::tokens::{mint_token, TokenRequest};
use common::audit::postgres_url_or_skip;
use common::server_process::ServerProcess;
use common::{spawn_app, TestDatabase};
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_basin-ledger");

fn auditor(expires_in_seconds: Option<u64>) -> TokenRequest<'static> {
    TokenRequest {
        role: Role::Auditor,
        subject: None,
        label: Some("audit office"),
        expires_in_seconds,
    }
}

#[actix_web::test]
async fn an_admin_mints_lists_and_revokes_a_token_and_the_secret_is_shown_only_once() {
    let app = spawn_app().await;
    let created = app
        .admin_post(
            "/v1/tokens",
            json!({"role": "auditor", "label": "Hebei audit office"}),
        )
        .await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.text);
    let secret = created.body["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("blt_"));
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.body["role"], "auditor");
    assert_eq!(created.body["expires_at"], Value::Null);

    let works = app.get("/v1/basins", Some(&secret)).await;
    assert_eq!(works.status.as_u16(), 200, "{}", works.text);

    let admin = app.admin_token.clone();
    let listed = app.get("/v1/tokens", Some(&admin)).await;
    assert_eq!(listed.status.as_u16(), 200, "{}", listed.text);
    assert!(
        !listed.text.contains(&secret),
        "a list must never carry a secret"
    );
    let item = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(item["label"], "Hebei audit office");
    assert_eq!(item["revoked_at"], Value::Null);
    assert!(item["last_used_at"].is_string(), "{item}");
    assert!(item.get("token").is_none());

    let revoked = app.delete(&format!("/v1/tokens/{id}"), Some(&admin)).await;
    assert_eq!(revoked.status.as_u16(), 204, "{}", revoked.text);
    let refused = app.get("/v1/basins", Some(&secret)).await;
    assert_eq!(refused.status.as_u16(), 401);
    assert_eq!(refused.body["detail"], "the token has been revoked");

    // Revoking again changes nothing; an unknown id is a 404.
    assert_eq!(
        app.delete(&format!("/v1/tokens/{id}"), Some(&admin))
            .await
            .status
            .as_u16(),
        204
    );
    let unknown = app.delete("/v1/tokens/999999", Some(&admin)).await;
    assert_eq!(unknown.status.as_u16(), 404, "{}", unknown.text);
    let listed = app.get("/v1/tokens", Some(&admin)).await;
    let item = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .unwrap()
        .clone();
    assert!(item["revoked_at"].is_string(), "{item}");
}

#[actix_web::test]
async fn only_admins_manage_tokens_and_bad_requests_name_the_field() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let auditor = app.token(Role::Auditor, None);
    let admin = app.admin_token.clone();
    for reply in [
        app.get("/v1/tokens", Some(&auditor)).await,
        app.post("/v1/tokens", Some(&auditor), &json!({"role": "auditor"}))
            .await,
        app.delete("/v1/tokens/1", Some(&auditor)).await,
    ] {
        assert_eq!(reply.status.as_u16(), 403, "{}", reply.text);
    }
    for (body, pointer) in [
        (json!({"role": "root"}), "/role"),
        (json!({"role": "bureau"}), "/subject"),
        (json!({"role": "bureau", "subject": "XX"}), "/subject"),
        (json!({"role": "auditor", "subject": "BJ"}), "/subject"),
        (
            json!({"role": "auditor", "expires_in_seconds": 0}),
            "/expires_in_seconds",
        ),
        (
            json!({"role": "auditor", "expires_in_seconds": 400_000_000}),
            "/expires_in_seconds",
        ),
        (json!({"role": "auditor", "secret": "mine"}), "/secret"),
    ] {
        let reply = app.post("/v1/tokens", Some(&admin), &body).await;
        assert_eq!(
            reply.problem_pointers(422),
            vec![pointer.to_owned()],
            "{body}: {}",
            reply.text
        );
    }
    let bureau = app
        .admin_post(
            "/v1/tokens",
            json!({"role": "bureau", "subject": "BJ", "expires_in_seconds": 3600}),
        )
        .await;
    assert_eq!(bureau.status.as_u16(), 201, "{}", bureau.text);
    let created =
        chrono::DateTime::parse_from_rfc3339(bureau.body["created_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(bureau.body["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - created).num_seconds(), 3600);
}

#[actix_web::test]
async fn a_token_past_its_expiry_is_refused_and_one_before_it_works() {
    let app = spawn_app().await;
    let mut connection = app.pool.get().unwrap();
    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    let expired = mint_token(&mut connection, &auditor(Some(1800)), an_hour_ago).unwrap();
    let valid = mint_token(&mut connection, &auditor(Some(7200)), an_hour_ago).unwrap();
    drop(connection);
    let refused = app.get("/v1/basins", Some(&expired.secret)).await;
    assert_eq!(refused.status.as_u16(), 401);
    assert_eq!(refused.body["detail"], "the token has expired");
    assert_eq!(
        app.get("/v1/basins", Some(&valid.secret))
            .await
            .status
            .as_u16(),
        200
    );
}

fn status(server: &ServerProcess, token: &str) -> u16 {
    match ureq::get(&format!("{}/v1/basins", server.base_url))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(response) => response.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(error) => panic!("{error}"),
    }
}

/// The status of a well-formed batch posted with `token`. Ingest authenticates in its own
/// blocking call (together with the station lookup), so it is checked apart from other routes.
fn ingest_status(server: &ServerProcess, token: &str) -> u16 {
    let batch = serde_json::json!({"batch_id": "b-1", "station": "gubeikou-auto",
        "readings": [{"section": "gubeikou", "sampled_at": "2025-08-01T08:00:00+08:00", "values": {"ph": "7.62"}}]});
    match ureq::post(&format!("{}/v1/readings", server.base_url))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(batch)
    {
        Ok(response) => response.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn a_revoked_and_an_expired_token_get_401_from_both_servers_on_one_postgresql_database() {
    let Some(base_url) = postgres_url_or_skip("two servers sharing one database") else {
        return;
    };
    let database = TestDatabase::postgres(&base_url);
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    let expired = mint_token(&mut connection, &auditor(Some(60)), an_hour_ago).unwrap();
    let to_revoke = mint_token(&mut connection, &auditor(None), chrono::Utc::now()).unwrap();
    drop(connection);
    let DatabaseUrl::Postgres(url) = &database.url else {
        panic!("a PostgreSQL test database")
    };
    let directory = tempfile::tempdir().unwrap();
    let servers = [
        ServerProcess::start(directory.path(), &[("DATABASE_URL", url)]),
        ServerProcess::start(directory.path(), &[("DATABASE_URL", url)]),
    ];
    for server in &servers {
        assert_eq!(status(server, &expired.secret), 401);
        assert_eq!(status(server, &to_revoke.secret), 200);
        assert_eq!(ingest_status(server, &expired.secret), 401);
        // Authenticated, but an auditor may not post a station's readings.
        assert_eq!(ingest_status(server, &to_revoke.secret), 403);
    }
    let output = Command::new(BINARY)
        .args(["token", "revoke", &to_revoke.id.to_string()])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The very next request, on either server, is refused.
    for server in &servers {
        assert_eq!(status(server, &to_revoke.secret), 401);
        assert_eq!(ingest_status(server, &to_revoke.secret), 401);
    }
}

#[test]
fn the_token_commands_create_with_an_expiry_list_without_secrets_and_revoke() {
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("ledger.db").display());
    let run = |arguments: &[&str]| {
        let output = Command::new(BINARY)
            .args(arguments)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{arguments:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (secret, stderr) = run(&[
        "token",
        "create",
        "--role",
        "auditor",
        "--label",
        "ops",
        "--expires-in",
        "86400",
    ]);
    let secret = secret.trim().to_owned();
    assert!(secret.starts_with("blt_"), "{secret}");
    assert!(
        stderr.contains("token id 1 (auditor), expires 20"),
        "{stderr}"
    );

    let (listed, _) = run(&["token", "list"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0],
        "id\trole\tsubject\tlabel\tcreated\tlast_used\texpires\trevoked"
    );
    let fields: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(&fields[..4], ["1", "auditor", "-", "ops"]);
    assert_ne!(fields[6], "-", "the expiry is listed");
    assert_eq!(fields[7], "-", "not revoked");
    assert!(!listed.contains(&secret));

    let (revoked, _) = run(&["token", "revoke", "1"]);
    assert_ne!(revoked.trim().split('\t').nth(7), Some("-"), "{revoked}");
    let failed = Command::new(BINARY)
        .args(["token", "revoke", "7"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("token 7 not found"));
}
