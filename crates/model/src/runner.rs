//! Run a whole scenario: parse, apply every step, report.

use crate::action::Action;
use crate::cluster::Cluster;
use crate::error::StepError;
use crate::event::Event;
use crate::output::{final_state, ledger_output, step_output, Output};
use crate::scenario::{parse_scenario, Scenario, ScenarioError};

/// One applied step, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub action: Action,
    pub result: Result<(), StepError>,
    pub events: Vec<Event>,
}

/// Apply every step of a scenario; failed steps are recorded and the run goes on.
pub fn run_steps(scenario: &Scenario) -> (Cluster, Vec<StepRecord>) {
    let mut cluster = Cluster::from_scenario(scenario);
    let mut records = Vec::with_capacity(scenario.steps.len());
    for action in &scenario.steps {
        let mut events = Vec::new();
        let result = cluster.apply(action, &mut events);
        records.push(StepRecord {
            action: action.clone(),
            result,
            events,
        });
    }
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
