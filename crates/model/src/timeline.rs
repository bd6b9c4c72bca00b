//! The recorded actions of a run with a cursor: back, forward, jump, fork.
//! Jumps restore the nearest checkpoint (one every `CHECKPOINT_EVERY` steps) and replay from there.

use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;

use crate::action::Action;
use crate::cluster::Cluster;
use crate::event::{Change, Event};
use crate::names::Names;
use crate::output::{step_output, step_summary, StepOutput};
use crate::runner::StepResult;
use crate::scenario::{write_scenario, Scenario};

/// Cheap to clone (the app's reducer clones it on every step): the recorded steps and the checkpoints are
/// shared behind `Rc` and copied only when a clone changes them, so a clone costs two reference-count
/// bumps plus one `Cluster` clone.
#[derive(Debug, Clone)]
pub struct Timeline {
    steps: Rc<Vec<StepResult>>,
    /// `checkpoints[k]` is the state after `k * CHECKPOINT_EVERY` steps; `checkpoints[0]` is the start.
    checkpoints: Rc<Vec<Cluster>>,
    /// Number of steps applied to `state` (0 = the start, `len()` = the end).
    cursor: usize,
    state: Cluster,
    /// The text table after the last recorded step. Texts are only ever added, so it names every step,
    /// also those after the cursor.
    texts: Arc<Vec<String>>,
    scratch: Vec<Event>,
}

impl Timeline {
    pub const CHECKPOINT_EVERY: usize = 32;

    pub fn new(initial: Cluster) -> Self {
        Self {
            steps: Rc::new(Vec::new()),
            checkpoints: Rc::new(vec![initial.clone()]),
            cursor: 0,
            texts: Arc::clone(initial.texts()),
            state: initial,
            scratch: Vec::new(),
        }
    }

    /// Record every step of a scenario; the cursor ends at the last step.
    pub fn from_scenario(scenario: &Scenario) -> Self {
        let mut t = Self::new(Cluster::from_scenario(scenario));
        for a in &scenario.steps {
            t.apply(a.clone());
        }
        t
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// How many steps have been applied to the state at the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The state after `cursor()` steps.
    pub fn state(&self) -> &Cluster {
        &self.state
    }

    pub fn steps(&self) -> &[StepResult] {
        &self.steps
    }

    pub fn step(&self, index: usize) -> Option<&StepResult> {
        self.steps.get(index)
    }

    /// Names that cover every recorded step (the state at the cursor may not know later steps' values).
    pub fn names(&self) -> Names<'_> {
        Names {
            setup: self.state.setup(),
            texts: &self.texts,
        }
    }

    /// A recorded step in the output contract's shape (sentences rendered now).
    pub fn step_output(&self, index: usize) -> Option<StepOutput> {
        let s = self.steps.get(index)?;
        Some(step_output(
            &self.names(),
            index,
            &s.action,
            s.result,
            &s.events,
        ))
    }

    /// The same without the step's `changes` (see [`step_summary`]).
    pub fn step_summary(&self, index: usize) -> Option<StepOutput> {
        let s = self.steps.get(index)?;
        Some(step_summary(
            &self.names(),
            index,
            &s.action,
            s.result,
            &s.events,
        ))
    }

    /// The recorded steps as a scenario file (export, shared links). A generated order
    /// (`ProducerSendNextOrder`) is written as a `send` of the value it generated.
    pub fn to_scenario_json(&self) -> Value {
        let actions: Vec<Action> = self
            .steps
            .iter()
            .map(|s| match s.action {
                Action::ProducerSendNextOrder { producer, topic } => s
                    .events
                    .iter()
                    .find_map(|e| match e.change {
                        Change::RecordInFlight { value, .. } => Some(Action::ProducerSend {
                            producer,
                            topic,
                            partition: None,
                            key: None,
                            value,
                        }),
                        _ => None,
                    })
                    .unwrap_or_else(|| s.action.clone()),
                _ => s.action.clone(),
            })
            .collect();
        write_scenario(self.state.setup(), &self.texts, &actions)
    }

    /// Apply an action at the cursor. If the cursor is not at the end, the later steps are discarded
    /// first (a fork).
    pub fn apply(&mut self, action: Action) -> &StepResult {
        if self.cursor < self.steps.len() {
            Rc::make_mut(&mut self.steps).truncate(self.cursor);
            let keep = self.cursor / Self::CHECKPOINT_EVERY + 1;
            if self.checkpoints.len() > keep {
                Rc::make_mut(&mut self.checkpoints).truncate(keep);
            }
        }
        let step = StepResult::apply(&mut self.state, action);
        Rc::make_mut(&mut self.steps).push(step);
        self.cursor += 1;
        self.texts = Arc::clone(self.state.texts());
        if self.cursor.is_multiple_of(Self::CHECKPOINT_EVERY) {
            Rc::make_mut(&mut self.checkpoints).push(self.state.clone());
        }
        &self.steps[self.cursor - 1]
    }

    pub fn forward(&mut self) -> bool {
        if self.cursor >= self.steps.len() {
            return false;
        }
        self.scratch.clear();
        let _ = self
            .state
            .apply(&self.steps[self.cursor].action, &mut self.scratch);
        self.cursor += 1;
        true
    }

    pub fn back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.jump(self.cursor - 1);
        true
    }

    /// Move the cursor to `to` steps applied (clamped to the length).
    pub fn jump(&mut self, to: usize) {
        let to = to.min(self.steps.len());
        let k = (to / Self::CHECKPOINT_EVERY).min(self.checkpoints.len() - 1);
        let from = k * Self::CHECKPOINT_EVERY;
        // Going forward within the same checkpoint span needs no restore.
        if !(self.cursor <= to && self.cursor >= from) {
            self.state.clone_from(&self.checkpoints[k]);
            self.cursor = from;
        }
        while self.cursor < to {
            self.forward();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    /// The app's reducer clones the timeline on every step: the steps and checkpoints are shared, and a
    /// change to one clone leaves the other as it was.
    #[test]
    fn a_clone_shares_the_recorded_steps_and_checkpoints() {
        let s = parse_scenario(
            r#"{"topics": [{"name": "t"}], "producers": [{"id": "p"}],
                "steps": [{"actor": "p", "op": "send", "topic": "t", "value": "x"}, {"actor": "p", "op": "flush"}]}"#,
        )
        .unwrap();
        let t = Timeline::from_scenario(&s);
        let mut u = t.clone();
        assert!(Rc::ptr_eq(&t.steps, &u.steps));
        assert!(Rc::ptr_eq(&t.checkpoints, &u.checkpoints));
        u.back();
        u.apply(Action::ClockAdvance { ms: 1 });
        assert!(!Rc::ptr_eq(&t.steps, &u.steps));
        assert_eq!(t.len(), 2);
        assert_eq!(u.len(), 2);
        assert_eq!(t.steps()[1].action, s.steps[1]);
    }
}
