//! Pure domain core of basin-ledger. Nothing here performs I/O or reads the clock: time and randomness come
//! in as arguments.
//!
//! Money and concentrations are exact. Amounts are integer fen ([`money::Fen`]); measured values, statistics
//! and rule numbers are `rust_decimal::Decimal`, parsed from their literal text and written back as strings.
//! No binary floating point type appears anywhere in this crate: the test `tests/no_binary_floats.rs` scans
//! `src/` and `tests/` and fails if one does.

pub mod agreement;
pub mod assessment;
pub mod code;
pub mod decimal_text;
pub mod evaluation;
pub mod measured;
pub mod money;
pub mod parameter;
pub mod period;
pub mod quality;
pub mod statistics;
pub mod value;

pub use code::{Code, CodeError};
pub use measured::{BelowDetection, Measured, ValueFlag, ValueLiteral};
pub use money::Fen;
pub use parameter::ParameterCode;
pub use period::{Month, Period, PeriodKind};
pub use quality::{WaterBody, WaterClass};
pub use value::MeasuredValue;
