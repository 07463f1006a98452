//! The HJ 212 gateway (API.md, "HJ 212 gateway"), as a real `hj212 serve` process beside a
//! real ledger: hostile input, crash safety (acceptance 3), the same assessment as the CNEMC
//! import (acceptance 4), and retries against a ledger that answers 429 and 503.

mod assessment;
mod crashes;
mod hostile;
mod retries;
