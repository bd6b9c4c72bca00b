//! What the live view sends and what it compares against: the timeline's set-up and steps up to the cursor as a
//! scenario, and the model's output for exactly those steps.

use kafka_model::output::{final_state, ledger_output};
use kafka_model::{Output, Timeline};

/// What a run on the real cluster starts from: the player's timeline as it is at the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Steps applied (the cursor).
    pub steps: usize,
    /// The player's timeline revision (forks and undo change it).
    pub revision: u32,
    /// The scenario to send.
    pub scenario: String,
    /// The model's output for the same steps.
    pub model: Output,
}

impl Snapshot {
    pub fn of(timeline: &Timeline, revision: u32) -> Self {
        Self {
            steps: timeline.cursor(),
            revision,
            scenario: scenario_up_to_cursor(timeline),
            model: model_output(timeline),
        }
    }
}

/// The scenario (set-up + the first `cursor` steps) as JSON text, ready for `POST /v1/run`.
pub fn scenario_up_to_cursor(timeline: &Timeline) -> String {
    let mut scenario = timeline.to_scenario_json();
    if let Some(steps) = scenario.get_mut("steps").and_then(|s| s.as_array_mut()) {
        steps.truncate(timeline.cursor());
    }
    scenario.to_string()
}

/// The model's output after the first `cursor` steps, in the contract's shape (without the steps' `changes`,
/// which the comparison does not read).
pub fn model_output(timeline: &Timeline) -> Output {
    let state = timeline.state();
    Output {
        steps: (0..timeline.cursor())
            .filter_map(|i| timeline.step_summary(i))
            .collect(),
        final_state: final_state(state),
        ledger: ledger_output(state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_model::parse_scenario;

    #[test]
    fn the_scenario_stops_at_the_cursor_and_the_model_agrees_with_a_whole_run_of_it() {
        let scenario = parse_scenario(crate::pages::STARTER).unwrap();
        let mut timeline = Timeline::from_scenario(&scenario);
        timeline.jump(3);
        let json = scenario_up_to_cursor(&timeline);
        let sent: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(sent["steps"].as_array().unwrap().len(), 3);
        assert_eq!(sent["topics"][0]["name"], "orders");
        let whole = kafka_model::run_json(&json).unwrap();
        let ours = model_output(&timeline);
        assert_eq!(ours.steps.len(), 3);
        assert_eq!(ours.final_state, whole.final_state);
        assert_eq!(ours.ledger, whole.ledger);
        assert_eq!(ours.steps[2].op, whole.steps[2].op);
    }
}
