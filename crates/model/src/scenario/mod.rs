//! The scenario: the model's public contract (`docs/scenario-format.md`). A file is read once into a
//! [`Scenario`] — a typed [`Setup`], the interned texts, and the steps as [`Action`]s — and written back from
//! it; nobody else parses or builds scenario JSON.
//!
//! - `read`: JSON → `Scenario`, refusals naming the field and the step; [`parse_step`] reads one more step
//!   against a set-up (real-cluster mode).
//! - `setup`: the set-up and the typed way to build one, used by the reader and by code alike.
//! - `resolve`: names → ids ([`crate::names`] is the way back); `crate::op`: the op table.
//! - `write`: `Scenario` → JSON.

mod error;
mod read;
mod resolve;
mod setup;
mod texts;
mod write;

pub use error::ScenarioError;
pub use read::{parse_scenario, parse_step, scenario_from_value, step_topic_names};
pub use setup::{
    properties, ConsumerSpec, OnRevoke, ProducerSpec, Properties, Setup, TopicSpec,
    ON_PARTITIONS_REVOKED,
};
pub use texts::Texts;
pub use write::{step_json, write_scenario};

use crate::action::Action;

/// A validated scenario: the set-up, the interned texts (values and keys), and the steps as actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub setup: Setup,
    pub texts: Vec<String>,
    pub steps: Vec<Action>,
}
