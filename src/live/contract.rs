//! What the proxy answers and how it is compared with the model, as the model crate defines them; named here
//! for the live view.

pub use kafka_model::compare::{compare, covers, keyed_path, Difference};
pub use kafka_model::real_run::{DatabaseRow, RealRun};
