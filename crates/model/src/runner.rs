//! Run a whole scenario: parse, apply every step, report.

use crate::action::Action;
use crate::cluster::Cluster;
use crate::error::StepError;
use crate::event::Event;
use crate::output::{final_state, ledger_output, step_output, Output};
use crate::scenario::{parse_scenario, Scenario, ScenarioError};

/// One applied step: the action, whether Kafka accepted it, and what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepResult {
    pub action: Action,
    pub result: Result<(), StepError>,
    pub events: Vec<Event>,
}

impl StepResult {
    /// Applies `action` to `cluster`; a refused step is recorded as such.
    pub fn apply(cluster: &mut Cluster, action: Action) -> Self {
        let mut events = Vec::new();
        let result = cluster.apply(&action, &mut events);
        StepResult {
            action,
            result,
            events,
        }
    }
}

/// Apply every step of a scenario; failed steps are recorded and the run goes on.
pub fn run_steps(scenario: &Scenario) -> (Cluster, Vec<StepResult>) {
    let mut cluster = Cluster::from_scenario(scenario);
    let records = scenario
        .steps
        .iter()
        .map(|action| StepResult::apply(&mut cluster, action.clone()))
        .collect();
    (cluster, records)
}

/// Run a validated scenario and build the output of the contract.
pub fn run_scenario(scenario: &Scenario) -> Output {
    let (cluster, records) = run_steps(scenario);
    let names = cluster.names();
    let steps = records
        .iter()
        .enumerate()
        .map(|(i, r)| step_output(&names, i, &r.action, r.result, &r.events))
        .collect();
    Output {
        steps,
        final_state: final_state(&cluster),
        ledger: ledger_output(&cluster),
    }
}

/// Parse, validate and run a scenario given as JSON text.
pub fn run_json(text: &str) -> Result<Output, ScenarioError> {
    Ok(run_scenario(&parse_scenario(text)?))
}

/// The output as pretty JSON (what the command line prints).
pub fn to_pretty_json(output: &Output) -> String {
    serde_json::to_string_pretty(output).expect("the output types always serialise")
}
