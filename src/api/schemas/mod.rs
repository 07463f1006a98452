//! Schema-only types for the OpenAPI document: the vocabularies (classes, water bodies, period
//! kinds, statuses) and the shapes of bodies that the server writes from pure-domain types, which
//! cannot derive `ToSchema` (the pure crates know nothing of utoipa). Nothing here is ever built;
//! each type only says what the server accepts or writes, and `tests/openapi.rs` keeps the
//! document in step with the code that uses them. One module per resource; the
//! re-exports below keep every type at `crate::api::schemas::Name`, where the schemas refer
//! to them.
//!
//! utoipa takes patterns as literals only, so they are repeated where they apply:
//! codes `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, decimals `^-?[0-9]+(\.[0-9]{1,6})?$`,
//! periods `^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$`.

mod agreements;
mod builders;
mod readings;
mod registry;
mod settlements;

pub use agreements::{BelowDetectionTreatment, ComponentKind, ComponentTerms, PeriodKind};
pub use readings::{
    DecimalText, MeasuredValueInput, MonthStatistics, ParameterName, ReadingStatus,
    SectionAssessment, ValueFlagLetter, ValueText, WaterClass,
};
pub use registry::{LatitudeInput, LongitudeInput, TargetClass, WaterBody};
pub use settlements::{ComponentAmount, SectionInputs, SettlementInputs, SettlementStatus};
