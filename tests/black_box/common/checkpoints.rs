//! Waiting for publication: checkpoints are signed when the log grows, possibly later than the
//! write that grew it, so a test that needs the newest entries covered polls for them.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// How long a checkpoint may take to cover new entries before the test fails.
const PUBLICATION_WAIT_MAX: Duration = Duration::from_secs(60);

/// Polls `GET /v1/log/checkpoint` until its size is at least `size`; returns the note.
pub fn wait_for_checkpoint(base_url: &str, size: u64) -> String {
    let started = Instant::now();
    loop {
        let response = ureq::get(&format!("{base_url}/v1/log/checkpoint")).call();
        if let Ok(response) = response {
            let note = response.into_string().expect("checkpoint text");
            let published: u64 = note
                .lines()
                .nth(1)
                .and_then(|line| line.parse().ok())
                .unwrap_or(0);
            if published >= size {
                return note;
            }
        }
        assert!(
            started.elapsed() < PUBLICATION_WAIT_MAX,
            "no checkpoint covered {size} entries within {PUBLICATION_WAIT_MAX:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
