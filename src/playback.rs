//! The player's state: a timeline of model steps with a cursor, play/pause, and undo for forks.
//! Reducers are pure; timers, keyboard and the address bar live in effects (`components/player.rs`).

use std::collections::BTreeSet;
use std::rc::Rc;

use kafka_model::cluster::ledger_rows;
use kafka_model::ledger::Label;
use kafka_model::{Action, Timeline};
use yew::Reducible;

use crate::action_label::action_label;

/// Steps per second while playing.
pub const SPEEDS: [u32; 4] = [1, 2, 4, 8];

#[derive(Clone)]
pub struct Playback {
    pub timeline: Timeline,
    pub playing: bool,
    /// The last move was one step forward: the stage shows that step's changes moving. A jump, a scrub or a
    /// step back shows the state at once.
    pub animate: bool,
    pub speed: u32,
    /// Timelines replaced by forks, newest last, so a fork can be undone.
    undo: Vec<Timeline>,
    /// Worked out once per timeline, not per frame.
    pub index: Rc<TimelineIndex>,
    /// Counts changes to the recorded steps (forks, undo), so effects can follow them.
    pub revision: u32,
    /// Where play stops by itself (a lesson's questions and chapter ends), by steps applied.
    stops: Rc<[usize]>,
}

/// What the player shows about the whole timeline: each step's line for the event log, and each ledger
/// label with the step after which it first shows (step = steps applied).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineIndex {
    pub lines: Vec<StepLine>,
    pub problems: Rc<Vec<Problem>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepLine {
    pub label: String,
    pub error: Option<String>,
    pub sentences: Vec<String>,
}

/// A ledger label and the moment it first appeared, for "jump to the first problem" and ledger links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub value: String,
    pub label: Label,
    pub step: usize,
}

pub enum PlaybackAction {
    Back,
    Forward,
    Jump(usize),
    ToStart,
    ToEnd,
    /// Apply an action at the cursor; at an earlier step this forks the timeline.
    Act(Action),
    /// Back to another timeline (the lesson's script), at `at` steps; the forks are forgotten.
    Restore {
        timeline: Rc<Timeline>,
        at: usize,
    },
    Undo,
    TogglePlay,
    Pause,
    /// One tick of the play timer: a step forward, stopping at the end and at the stops.
    Tick,
    SetStops(Rc<[usize]>),
    SetSpeed(u32),
}

impl Playback {
    pub fn new(timeline: Timeline) -> Self {
        Self {
            index: Rc::new(TimelineIndex::of(&timeline)),
            timeline,
            playing: false,
            animate: false,
            speed: SPEEDS[1],
            undo: Vec::new(),
            revision: 0,
            stops: Rc::new([]),
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn first_problem(&self) -> Option<&Problem> {
        self.index
            .problems
            .iter()
            .min_by_key(|problem| problem.step)
    }
}

impl Reducible for Playback {
    type Action = PlaybackAction;

    fn reduce(self: Rc<Self>, action: PlaybackAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.animate = false;
        let timeline = &mut next.timeline;
        match action {
            PlaybackAction::Back => {
                timeline.back();
                next.playing = false;
            }
            PlaybackAction::Forward => {
                next.animate = timeline.forward();
            }
            // Already there (the address bar echoing the cursor): nothing to render.
            PlaybackAction::Jump(step) if step.min(timeline.len()) == timeline.cursor() => {
                return self
            }
            PlaybackAction::Jump(step) => timeline.jump(step),
            PlaybackAction::ToStart => {
                timeline.jump(0);
                next.playing = false;
            }
            PlaybackAction::ToEnd => {
                timeline.jump(timeline.len());
                next.playing = false;
            }
            PlaybackAction::Act(action) => {
                if timeline.cursor() < timeline.len() {
                    next.undo.push(timeline.clone());
                }
                timeline.apply(action);
                next.index = Rc::new(TimelineIndex::of(timeline));
                next.revision += 1;
                next.playing = false;
                next.animate = true;
            }
            PlaybackAction::Restore { timeline, at } => {
                next.timeline = (*timeline).clone();
                next.timeline.jump(at);
                next.index = Rc::new(TimelineIndex::of(&next.timeline));
                next.undo.clear();
                next.revision += 1;
                next.playing = false;
            }
            PlaybackAction::Undo => match next.undo.pop() {
                Some(previous) => {
                    next.index = Rc::new(TimelineIndex::of(&previous));
                    next.timeline = previous;
                    next.revision += 1;
                }
                None => return self,
            },
            PlaybackAction::TogglePlay => {
                if !next.playing && timeline.cursor() == timeline.len() {
                    timeline.jump(0);
                }
                next.playing = !next.playing;
            }
            PlaybackAction::Pause => {
                next.playing = false;
                next.animate = self.animate;
            }
            PlaybackAction::Tick => {
                if !next.playing {
                    return self;
                }
                next.animate = timeline.forward();
                if !next.animate
                    || timeline.cursor() == timeline.len()
                    || next.stops.contains(&timeline.cursor())
                {
                    next.playing = false;
                }
            }
            PlaybackAction::SetStops(stops) => {
                next.stops = stops;
                next.animate = self.animate;
            }
            PlaybackAction::SetSpeed(speed) => {
                next.speed = speed;
                next.animate = self.animate;
            }
        }
        Rc::new(next)
    }
}

impl TimelineIndex {
    /// Replays the timeline once, noting each step's line and when each (message, label) pair first appears.
    pub fn of(timeline: &Timeline) -> Self {
        let mut replay = timeline.clone();
        let mut problems: Vec<Problem> = Vec::new();
        // The ledger is worked out again after every step: its rows, not its output, which copies every
        // value's text, and the pairs already found in a set, not the list.
        let mut known = BTreeSet::new();
        for step in 1..=replay.len() {
            replay.jump(step);
            let state = replay.state();
            for row in ledger_rows(state) {
                for label in row.labels.into_iter().filter(|label| label.is_problem()) {
                    if known.insert((row.value, label)) {
                        problems.push(Problem {
                            value: state.names().text(row.value).to_string(),
                            label,
                            step,
                        });
                    }
                }
            }
        }
        // Texts are only ever added, so the names at the end cover every step.
        let names = replay.state().names();
        let flavor = replay.state().setup().flavor;
        let lines = timeline
            .steps()
            .iter()
            .map(|step| StepLine {
                label: action_label(&names, flavor, &step.action),
                error: step.result.as_ref().err().map(|e| e.name().to_string()),
                sentences: step
                    .events
                    .iter()
                    .map(|event| event.sentence(&names).to_string())
                    .collect(),
            })
            .collect();
        Self {
            lines,
            problems: Rc::new(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn play_stops_at_each_stop_and_goes_on_when_asked() {
        let lesson = kafka_model::lesson::lessons().remove(0).unwrap();
        let mut playback = Rc::new(Playback::new(lesson.timeline().unwrap()));
        playback = playback.reduce(PlaybackAction::SetStops(Rc::from([3, 5])));
        let mut stopped_at = Vec::new();
        for _ in 0..3 {
            playback = playback.reduce(PlaybackAction::TogglePlay);
            while playback.playing {
                playback = playback.reduce(PlaybackAction::Tick);
            }
            stopped_at.push(playback.timeline.cursor());
        }
        assert_eq!(stopped_at, [3, 5, playback.timeline.len()]);
    }
}
