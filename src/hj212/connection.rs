//! One data logger's TCP connection: frames in through the codec, CN=9014 answers out. Bounded
//! in time (an idle connection and a frame that takes too long are closed) and in refusals (a
//! sender of nothing but garbage is closed).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_util::codec::{Encoder, FramedRead};

use super::codec::Hj212Codec;
use super::intake::{take_segment, Gateway, Outcome};

/// Refused frames and packets after which a connection is closed.
const REFUSALS_PER_CONNECTION_MAX: usize = 32;

/// How long a connection may wait between frames, and how long one frame may take to arrive.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub idle: Duration,
    pub frame: Duration,
}

pub async fn serve_connection(
    gateway: Arc<Gateway>,
    stream: TcpStream,
    peer: String,
    limits: ConnectionLimits,
) {
    let (reader, mut writer) = stream.into_split();
    let mut frames = FramedRead::new(reader, Hj212Codec::default());
    let mut encoder = Hj212Codec::default();
    let mut refusals = 0;
    loop {
        if frames.read_buffer().is_empty()
            && tokio::time::timeout(limits.idle, frames.get_ref().readable())
                .await
                .is_err()
        {
            gateway.metrics.refuse("idle");
            tracing::info!(%peer, "idle connection closed");
            return;
        }
        let item = match tokio::time::timeout(limits.frame, frames.next()).await {
            Err(_) => {
                gateway.metrics.refuse("slow_sender");
                tracing::warn!(%peer, "a frame took too long to arrive; connection closed");
                return;
            }
            Ok(None) => return,
            Ok(Some(Err(error))) => {
                tracing::debug!(%peer, %error, "connection read failed");
                return;
            }
            Ok(Some(Ok(item))) => item,
        };
        let outcome = match item {
            Ok(segment) => take_segment(&gateway, &segment, &peer).await,
            Err(error) => {
                gateway.metrics.refuse(error.label());
                tracing::warn!(%peer, reason = error.label(), "HJ 212 frame refused");
                Outcome::Refused {
                    reason: error.label(),
                }
            }
        };
        match outcome {
            Outcome::Taken { reply: Some(reply) } => {
                let mut buffer = bytes::BytesMut::new();
                if encoder.encode(reply.as_str(), &mut buffer).is_err()
                    || writer.write_all(&buffer).await.is_err()
                {
                    return;
                }
            }
            Outcome::Taken { reply: None } => {}
            Outcome::Refused { .. } => {
                refusals += 1;
                if refusals >= REFUSALS_PER_CONNECTION_MAX {
                    gateway.metrics.refuse("too_many_refusals");
                    tracing::warn!(%peer, "too many refused frames; connection closed");
                    return;
                }
            }
        }
    }
}
