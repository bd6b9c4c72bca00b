//! A deterministic model of Kafka's delivery semantics.
//!
//! Pure state machine: [`Cluster`] + [`Action`] → [`Event`]s, no I/O, no clock, no threads, so it runs the
//! same natively and in WebAssembly. The rules it follows are in `kafka-semantics.md` (rule ids are named
//! in the tests); the format and the modelling decisions are in `docs/scenario-format.md`.
//!
//! ```text
//!   scenario JSON ──scenario::read──▶ Scenario ──scenario::write──▶ scenario JSON (export, links, proxy)
//!   (names)        op table, resolver  Setup + texts + steps: Vec<Action>  (typed ids)
//!                                        │
//!                          Cluster::apply(&Action) → Vec<Event>  (Change as data + Reason → sentence)
//!                                        │
//!            ┌───────────────────────────┴──────────────────────────────┐
//!    runner: Output                                          Timeline: cursor, jump, fork
//!    (steps, final, ledger — the JSON contract)              (the app's stage marks a step from its events;
//!            │                                                lessons check the state with Check)
//!            ├── kafka-proxy runs the same steps on a real cluster ─▶ RealRun (same `final` shape)
//!            └── compare(Output, RealRun) ─▶ Comparison: the rows the app draws, each difference by path
//! ```
//!
//! - Whole runs: [`run_json`] (scenario text → [`Output`]) or [`parse_scenario`] + [`run_scenario`];
//!   [`to_pretty_json`] prints it.
//! - Building and writing scenarios: [`scenario::Setup`]'s `add_*` methods (the reader uses them too),
//!   [`Scenario::to_json`]; [`op::Op`] is the table of ops and their fields.
//! - Stepping: [`Cluster::from_scenario`], then [`Cluster::apply`]`(&action, &mut events)`; each [`Event`]
//!   is a structured [`Change`] plus a [`Reason`], rendered to one sentence by
//!   [`Event::sentence`]`(&cluster.names())`.
//! - Playback: [`Timeline`] (back, forward, jump, fork; checkpoints every 32 steps).
//! - Exploring: [`enabled_actions()`] lists what makes sense now; [`check_invariants`] checks the named
//!   invariants.
//! - Views of any state: [`output::final_state`] (with lookups by name), [`output::ledger_output`],
//!   [`output::step_output`]. Kinds, states and labels are enums that serde writes as the contract's names.
//! - Real-cluster mode: [`real_run::RealRun`] is what the proxy answers; [`compare::compare`] lays both runs
//!   out side by side.

pub mod action;
pub mod assignors;
mod check_read;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod consumer;
mod contract_names;
pub mod course_page;
pub mod design;
pub mod enabled_actions;
pub mod error;
pub mod event;
pub mod experiment;
pub mod group_coordinator;
pub mod ids;
pub mod invariants;
pub mod ledger;
pub mod lesson;
pub mod murmur2;
pub mod names;
pub mod op;
pub mod output;
pub mod partition_log;
pub mod producer;
pub mod real_run;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod sentence;
pub mod timeline;
pub mod transaction_coordinator;
pub mod versions;

pub use action::{Action, Actor};
pub use cluster::Cluster;
pub use enabled_actions::enabled_actions;
pub use error::StepError;
pub use event::{Change, Event, Reason};
pub use invariants::{check_invariants, Violation};
pub use output::Output;
pub use runner::{run_json, run_scenario, run_steps, to_pretty_json, StepResult};
pub use scenario::{parse_scenario, Scenario, ScenarioError};
pub use timeline::Timeline;
