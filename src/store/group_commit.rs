//! Group commit: writes that arrive together share one transaction, one log-head lock and one
//! fsync. One writer thread per server takes every write queued at that moment (up to
//! `WRITES_PER_GROUP_MAX`), runs each in its own savepoint inside a single write transaction,
//! and commits once. A write that fails is rolled back to its savepoint and answered with its
//! own error at once; it never fails its neighbours. Every other write is answered only after the
//! group's commit returned, so nothing is acknowledged that a crash could still lose.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

use diesel::Connection;
use tokio::sync::oneshot;

use super::connection::{AnyConnection, Pool};
use super::error::StoreError;
use super::log::LogWriter;

/// The most writes one transaction carries: enough to absorb a burst of stations reporting at
/// the top of the hour, small enough that one group's latency stays in milliseconds.
pub const WRITES_PER_GROUP_MAX: usize = 256;
/// Writes waiting for the writer thread before new ones are refused with a 503.
pub const WRITES_QUEUED_MAX: usize = 8_192;

/// One queued write, its result kept until the group's outcome is known.
trait Job: Send {
    fn run(
        &mut self,
        connection: &mut AnyConnection,
        log: &mut LogWriter,
    ) -> Result<(), StoreError>;
    /// The group committed: answer with the kept result.
    fn committed(self: Box<Self>);
    /// This write failed (its savepoint is rolled back), or the whole group did.
    fn failed(self: Box<Self>, error: StoreError);
}

struct TypedJob<T, F> {
    work: Option<F>,
    result: Option<T>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Job for TypedJob<T, F>
where
    T: Send,
    F: FnOnce(&mut AnyConnection, &mut LogWriter) -> Result<T, StoreError> + Send,
{
    fn run(
        &mut self,
        connection: &mut AnyConnection,
        log: &mut LogWriter,
    ) -> Result<(), StoreError> {
        let work = self
            .work
            .take()
            .ok_or_else(|| StoreError::Corrupt("a queued write ran twice".into()))?;
        self.result = Some(work(connection, log)?);
        Ok(())
    }

    fn committed(self: Box<Self>) {
        let answer = self
            .result
            .ok_or_else(|| StoreError::Corrupt("a committed write kept no result".into()));
        // The client may have gone away; its write is committed all the same.
        let _ = self.reply.send(answer);
    }

    fn failed(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }
}

/// The handle writes are submitted through. Dropping every handle stops the writer thread.
#[derive(Clone)]
pub struct GroupCommitter {
    queue: SyncSender<Box<dyn Job>>,
}

impl GroupCommitter {
    /// Starts the writer thread on `pool`. Should the thread not start, every write is
    /// refused with an internal error (and the cause is logged) rather than hanging.
    pub fn start(pool: Pool) -> Self {
        let (queue, jobs) = mpsc::sync_channel(WRITES_QUEUED_MAX);
        if let Err(error) = std::thread::Builder::new()
            .name("basin-ledger-writer".into())
            .spawn(move || write_groups(&pool, &jobs))
        {
            tracing::error!(%error, "cannot start the writer thread");
        }
        Self { queue }
    }

    /// Queues `work`; the receiver yields its result once its group has committed.
    pub fn submit<T, F>(
        &self,
        work: F,
    ) -> Result<oneshot::Receiver<Result<T, StoreError>>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection, &mut LogWriter) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(TypedJob {
            work: Some(work),
            result: None,
            reply,
        });
        match self.queue.try_send(job) {
            Ok(()) => Ok(answer),
            Err(TrySendError::Full(_)) => Err(StoreError::WriteQueueFull {
                queued: WRITES_QUEUED_MAX,
            }),
            Err(TrySendError::Disconnected(_)) => {
                Err(StoreError::Corrupt("the writer thread has stopped".into()))
            }
        }
    }
}

/// The writer thread: one group per turn until every handle is dropped.
fn write_groups(pool: &Pool, jobs: &Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < WRITES_PER_GROUP_MAX {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        write_group(pool, group);
    }
}

fn write_group(pool: &Pool, group: Vec<Box<dyn Job>>) {
    let mut connection = match pool.get() {
        Ok(connection) => connection,
        Err(error) => {
            let message = error.to_string();
            for job in group {
                job.failed(StoreError::Unavailable(message.clone()));
            }
            return;
        }
    };
    let mut pending = Vec::with_capacity(group.len());
    let outcome = connection.transaction(|connection| {
        let mut log = LogWriter::lock_head(connection)?;
        for mut job in group {
            let before = log.clone();
            let ran = connection.transaction(|connection| {
                catch_unwind(AssertUnwindSafe(|| job.run(connection, &mut log))).unwrap_or_else(
                    |_| {
                        Err(StoreError::Corrupt(
                            "a write panicked; it was rolled back".into(),
                        ))
                    },
                )
            });
            match ran {
                Ok(()) => pending.push(job),
                Err(error) => {
                    // Its savepoint is rolled back: so is what it appended to the log.
                    log = before;
                    job.failed(error);
                }
            }
        }
        log.finish(connection)?;
        Ok::<(), StoreError>(())
    });
    match outcome {
        Ok(()) => pending.into_iter().for_each(|job| job.committed()),
        Err(error) => {
            tracing::error!(%error, writes = pending.len(), "a write group failed to commit");
            let message = error.to_string();
            for job in pending {
                job.failed(StoreError::GroupFailed(message.clone()));
            }
        }
    }
}
