//! The HJ 212 frame codec for tokio-util's `FramedRead`: the pure scanner of `basin_hj212`
//! decides, this only keeps the buffer. A refused frame is an item (`Err(FrameError)`), not an
//! I/O error, so the connection lives on and the refusal is counted; after a refused line the
//! rest of it is dropped without buffering it, so no sender can make the buffer outgrow a frame.

use basin_hj212::frame::{line_end, scan, FrameError, Scan};
use basin_hj212::{encode_frame, FRAME_BYTES_MAX};
use bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

#[derive(Debug, Default)]
pub struct Hj212Codec {
    /// Dropping the rest of a refused line.
    skipping_line: bool,
}

impl Decoder for Hj212Codec {
    /// A data segment, or why a frame was refused.
    type Item = Result<String, FrameError>;
    type Error = std::io::Error;

    fn decode(&mut self, buffer: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        if self.skipping_line {
            match line_end(buffer) {
                Some(end) => {
                    buffer.advance(end);
                    self.skipping_line = false;
                }
                None => {
                    // Keep a last `\r`: it may be the first half of the line end.
                    let keep = usize::from(buffer.ends_with(b"\r"));
                    buffer.advance(buffer.len() - keep);
                    return Ok(None);
                }
            }
        }
        match scan(buffer) {
            Scan::Incomplete => {
                buffer.reserve(FRAME_BYTES_MAX.saturating_sub(buffer.len()));
                Ok(None)
            }
            Scan::Frame { consumed, segment } => {
                buffer.advance(consumed);
                Ok(Some(Ok(segment)))
            }
            Scan::Refused {
                consumed,
                error,
                skip_line,
            } => {
                buffer.advance(consumed);
                self.skipping_line = skip_line;
                Ok(Some(Err(error)))
            }
        }
    }
}

impl Encoder<&str> for Hj212Codec {
    type Error = std::io::Error;

    /// Frames a data segment (our replies are short, well under the frame limit).
    fn encode(&mut self, segment: &str, buffer: &mut BytesMut) -> Result<(), Self::Error> {
        let frame = encode_frame(segment).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "reply too long")
        })?;
        buffer.extend_from_slice(frame.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_megabyte_without_a_line_end_is_one_refusal_and_the_next_frame_decodes() {
        let mut codec = Hj212Codec::default();
        let mut buffer = BytesMut::new();
        let mut refusals = 0;
        for _ in 0..128 {
            buffer.extend_from_slice(&[b'x'; 8192]);
            while let Some(item) = codec.decode(&mut buffer).unwrap() {
                assert!(item.is_err());
                refusals += 1;
            }
            assert!(buffer.len() <= FRAME_BYTES_MAX);
        }
        assert_eq!(refusals, 1);
        let segment = "QN=1;ST=21;CN=2061;PW=1;MN=A;Flag=4;CP=&&DataTime=20200701080000&&";
        buffer.extend_from_slice(b"\r\n");
        codec.encode(segment, &mut buffer).unwrap();
        assert_eq!(
            codec.decode(&mut buffer).unwrap(),
            Some(Ok(segment.to_owned()))
        );
    }
}
