//! The HJ 212 gateway (API.md, "HJ 212 gateway"), as a real `hj212 serve` process beside a
//! real ledger: hostile input, crash safety (acceptance 3) and the same assessment as the CNEMC
//! import (acceptance 4).

mod assessment;
mod crashes;
mod hostile;
