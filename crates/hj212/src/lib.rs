//! HJ 212 (HJ 212-2017, and HJ 212-2025 in force since 2026-01-01) as automatic surface-water
//! stations' data loggers (数采仪) speak it, for the gateway (API.md, "HJ 212 gateway").
//!
//! Everything here is a pure function of bytes: the CRC of Appendix A ([`crc`]), the frame
//! grammar and an incremental scanner that a framed codec drives ([`frame`]), the data segment
//! ([`segment`]), the mapping of a data packet onto a reading ([`readings`]) and the CN=9014
//! reply ([`reply`]). The tokio codec, the server, the spool and the poster live in the root
//! crate (`src/hj212`).

pub mod crc;
pub mod frame;
pub mod readings;
pub mod reply;
pub mod segment;

pub use crc::crc16;
pub use frame::{encode_frame, parse_frame, scan, FrameError, Scan, FRAME_BYTES_MAX};
pub use readings::{map_packet, FlagLetter, MappingError, StationReading};
pub use reply::data_reply;
pub use segment::{parse_segment, Command, Flag, Packet, SegmentError};
