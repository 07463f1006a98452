//! Importers of published monitoring data. They feed the ordinary ingest path, so imported
//! readings are validated, logged and replayable exactly like a station's own batches.

pub mod cnemc;
