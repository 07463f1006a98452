//! Group commit (store::group_commit): writes queued together share one transaction, yet each is
//! its own: a write that fails is rolled back with everything it appended to the log, its
//! neighbours commit, and nobody is answered before the commit. Through HTTP, concurrent batches
//! with a bad one among them: every good batch is stored and logged once, the bad one gets its
//! own 4xx, and the auditor's verifier accepts the log.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::model::registry::Basin;
use basin_ledger::store::group_commit::GroupCommitter;
use basin_ledger::store::log::entries::list_entries;
use basin_ledger::store::{registry, StoreError};
use common::agreements::good_values;
use common::{spawn_app, TestDatabase};
use serde_json::json;

const WRITES: usize = 60;

fn basin(number: usize) -> Basin {
    Basin {
        code: format!("basin-{number}"),
        name: format!("流域 {number}"),
        created_at: "2025-07-01T00:00:00Z".into(),
    }
}

#[actix_web::test]
async fn a_failing_write_rolls_back_alone_with_its_log_entry_and_its_neighbours_commit() {
    let database = TestDatabase::new();
    let pool = database.pool();
    let committer = GroupCommitter::start(pool.clone());
    // Queued all at once, so they share groups; every third appends an entry and then fails.
    let answers: Vec<_> = (0..WRITES)
        .map(|number| {
            committer
                .submit(move |connection, log| {
                    let appended = registry::create_basin(connection, log, &basin(number))?;
                    if number % 3 == 2 {
                        return Err(StoreError::Conflict(format!("write {number} refuses")));
                    }
                    Ok(appended.index)
                })
                .unwrap()
        })
        .collect();
    let mut indices = Vec::new();
    for (number, answer) in answers.into_iter().enumerate() {
        match answer.await.unwrap() {
            Ok(index) => {
                assert_ne!(number % 3, 2, "write {number} should have failed");
                indices.push(index);
            }
            Err(error) => {
                assert_eq!(number % 3, 2, "write {number}: {error}");
                assert_eq!(error.to_string(), format!("write {number} refuses"));
            }
        }
    }
    // The survivors hold consecutive log indices: nothing a failed write appended remains.
    let expected: Vec<u64> = (0..indices.len() as u64).collect();
    assert_eq!(indices, expected);
    let mut connection = pool.get().unwrap();
    let page = list_entries(&mut connection, 0, 1000).unwrap();
    assert_eq!(
        page.items.len(),
        WRITES / 3 * 2,
        "entries are re-verified and chained as read"
    );
    for number in 0..WRITES {
        let stored = registry::get_basin(&mut connection, &format!("basin-{number}"));
        assert_eq!(stored.is_ok(), number % 3 != 2, "basin {number}");
    }
}

#[actix_web::test]
async fn concurrent_batches_with_a_bad_one_among_them_each_get_their_own_answer() {
    let app = std::rc::Rc::new(spawn_app().await);
    app.register_test_agreement().await;
    // The conflicting batch: its id is taken with other content first.
    app.post_readings("taken", &[("2025-06-01T09:00:00+08:00", good_values())])
        .await;
    let token = app.admin_token.clone();
    let posts: Vec<_> = (0..20)
        .map(|number| {
        let (app, token) = (std::rc::Rc::clone(&app), token.clone());
        actix_web::rt::spawn(async move {
            let batch_id = if number == 7 { "taken".to_owned() } else { format!("b{number}") };
            let body = json!({"batch_id": batch_id, "station": "gubeikou-auto", "readings": [
                {"section": "gubeikou", "sampled_at": format!("2025-07-{:02}T09:00:00+08:00", number + 1),
                 "values": good_values()}]});
            (number, app.post("/v1/readings", Some(&token), &body).await)
        })
        })
        .collect();
    let mut replies = Vec::new();
    for post in posts {
        replies.push(post.await.unwrap());
    }
    for (number, reply) in &replies {
        if *number == 7 {
            assert_eq!(reply.status.as_u16(), 409, "{}", reply.text);
            assert_eq!(reply.content_type, "application/problem+json");
        } else {
            assert_eq!(reply.status.as_u16(), 201, "batch {number}: {}", reply.text);
        }
    }
    let readings = app
        .get("/v1/sections/gubeikou/readings?limit=1000", Some(&token))
        .await;
    assert_eq!(
        readings.body["items"].as_array().unwrap().len(),
        20,
        "{}",
        readings.text
    );
    app.verify_as_auditor().await.expect("the log verifies");
}
