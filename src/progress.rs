//! The learner's progress: how far each lesson got, the predictions made, the goals reached. Kept in
//! localStorage when the browser allows it, and exported to or imported from a file. An import is merged
//! into what is there, and a file that is not valid changes nothing.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::{Reducible, UseReducerHandle};

use crate::storage;

const KEY: &str = "kafka-delivery-lab.progress";
/// Where a stored value that cannot be read is moved, so a bug or an old format never destroys it.
const UNREADABLE_KEY: &str = "kafka-delivery-lab.progress.unreadable";
const FORMAT: &str = "kafka-delivery-lab-progress";
/// Far more than the whole course's progress takes (a few KiB), far less than the browser's storage quota.
const MAX_FILE_BYTES: usize = 256 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Names the file's kind, so an unrelated JSON file is refused by name.
    pub format: String,
    pub version: u32,
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonProgress {
    pub furthest_step: usize,
    /// The choice made for the question asked at each moment (steps applied).
    pub answers: BTreeMap<usize, usize>,
    pub goal_reached: bool,
}

impl Progress {
    pub fn empty() -> Self {
        Self {
            format: FORMAT.to_string(),
            version: 1,
            lessons: BTreeMap::new(),
        }
    }

    /// Reads a progress file, naming what is wrong with one that is not.
    pub fn parse(text: &str) -> Result<Progress, String> {
        if text.len() > MAX_FILE_BYTES {
            return Err(format!(
                "the file is {} KiB, and a progress file is at most {} KiB",
                text.len().div_ceil(1024),
                MAX_FILE_BYTES / 1024
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "the file is not JSON (line {}, column {})",
                e.line(),
                e.column()
            )
        })?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            _ => return Err(format!("the file is not a Kafka Delivery Lab progress file (its \"format\" is not \"{FORMAT}\")")),
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(1) => {}
            other => {
                return Err(format!(
                    "progress file version {other:?} is not one this course reads (1)"
                ))
            }
        }
        serde_json::from_value(value).map_err(|e| format!("the progress file is damaged: {e}"))
    }

    /// Checks every entry against the course (`shape` of a lesson id, `None` for one it does not have): a
    /// known lesson, a step within it, answers only to its questions and with one of their choices.
    pub fn check(&self, shape: impl Fn(&str) -> Option<LessonShape>) -> Result<(), String> {
        for (id, lesson) in &self.lessons {
            let Some(shape) = shape(id) else {
                return Err(format!(
                    "it has progress for \"{id}\", a lesson this course does not have"
                ));
            };
            if lesson.furthest_step > shape.steps {
                return Err(format!(
                    "lesson \"{id}\" reached step {}, but it has {} steps",
                    lesson.furthest_step, shape.steps
                ));
            }
            for (at, choice) in &lesson.answers {
                match shape.choices.get(at) {
                    None => {
                        return Err(format!(
                            "lesson \"{id}\" has an answer at step {at}, where it asks no question"
                        ))
                    }
                    Some(n) if choice >= n => {
                        return Err(format!(
                            "lesson \"{id}\" has answer {choice} at step {at}, where the question has {n} choices"
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Joins another record of progress into this one, keeping the most of each.
    pub fn merge(&mut self, other: &Progress) {
        for (id, theirs) in &other.lessons {
            let mine = self.lessons.entry(id.clone()).or_default();
            mine.furthest_step = mine.furthest_step.max(theirs.furthest_step);
            mine.goal_reached |= theirs.goal_reached;
            for (at, choice) in &theirs.answers {
                mine.answers.entry(*at).or_insert(*choice);
            }
        }
    }

    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }
}

/// Reads a progress file and checks it against this course: what an import merges in, or why it cannot.
pub fn import(text: &str) -> Result<Progress, String> {
    let progress = Progress::parse(text)?;
    progress.check(|id| {
        Some(LessonShape::of(
            crate::catalog::find(id)?.lesson.as_deref()?,
        ))
    })?;
    Ok(progress)
}

/// What a lesson's progress may hold: how many steps it has, and how many choices the question at each moment
/// that asks one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonShape {
    pub steps: usize,
    pub choices: BTreeMap<usize, usize>,
}

impl LessonShape {
    pub fn of(lesson: &kafka_model::lesson::Lesson) -> Self {
        Self {
            steps: lesson.scenario["steps"].as_array().map_or(0, Vec::len),
            choices: lesson
                .script
                .iter()
                .filter_map(|entry| Some((entry.at, entry.question.as_ref()?.choices.len())))
                .collect(),
        }
    }
}

/// The progress in storage, or an empty one. A stored value that cannot be read is set aside, not lost.
pub fn load() -> Progress {
    match storage::get(KEY) {
        None => Progress::empty(),
        Some(text) => Progress::parse(&text).unwrap_or_else(|_| {
            let _ = storage::set(UNREADABLE_KEY, &text);
            Progress::empty()
        }),
    }
}

/// Shared through the app as a context: the one piece of state every page needs.
pub type ProgressContext = UseReducerHandle<ProgressState>;

/// The app-wide progress, with whether the browser lets it be saved.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressState {
    pub progress: Progress,
    pub saved: bool,
}

pub enum ProgressAction {
    Reached {
        lesson: String,
        step: usize,
    },
    Answered {
        lesson: String,
        at: usize,
        choice: usize,
    },
    GoalReached {
        lesson: String,
    },
    Import(Progress),
    /// What the storage effect found when it saved.
    Saved(bool),
}

impl ProgressState {
    pub fn new() -> Self {
        Self {
            progress: load(),
            saved: true,
        }
    }
}

impl Default for ProgressState {
    fn default() -> Self {
        Self::new()
    }
}

impl Reducible for ProgressState {
    type Action = ProgressAction;

    fn reduce(self: Rc<Self>, action: ProgressAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let lessons = &mut next.progress.lessons;
        match action {
            ProgressAction::Reached { lesson, step } => {
                let entry = lessons.entry(lesson).or_default();
                if step <= entry.furthest_step {
                    return self;
                }
                entry.furthest_step = step;
            }
            ProgressAction::Answered { lesson, at, choice } => {
                lessons
                    .entry(lesson)
                    .or_default()
                    .answers
                    .insert(at, choice);
            }
            ProgressAction::GoalReached { lesson } => {
                let entry = lessons.entry(lesson).or_default();
                if entry.goal_reached {
                    return self;
                }
                entry.goal_reached = true;
            }
            ProgressAction::Import(imported) => next.progress.merge(&imported),
            ProgressAction::Saved(saved) => {
                if saved == self.saved {
                    return self;
                }
                next.saved = saved;
            }
        }
        Rc::new(next)
    }
}

/// Writes the progress to storage; false when the browser refuses.
pub fn save(progress: &Progress) -> bool {
    storage::set(KEY, &progress.to_json()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Progress {
        let mut progress = Progress::empty();
        progress.lessons.insert(
            "manual-commit".into(),
            LessonProgress {
                furthest_step: 31,
                answers: BTreeMap::from([(14, 1), (27, 2)]),
                goal_reached: false,
            },
        );
        progress
    }

    #[test]
    fn export_and_import_round_trip() {
        let progress = sample();
        assert_eq!(Progress::parse(&progress.to_json()), Ok(progress));
    }

    #[test]
    fn bad_files_are_refused_with_what_is_wrong() {
        assert!(Progress::parse("{not json")
            .unwrap_err()
            .contains("not JSON (line 1"));
        assert!(Progress::parse(r#"{"lessons": {}}"#)
            .unwrap_err()
            .contains("not a Kafka Delivery Lab progress file"));
        let wrong_version = sample()
            .to_json()
            .replace("\"version\": 1", "\"version\": 7");
        assert!(Progress::parse(&wrong_version)
            .unwrap_err()
            .contains("version Some(7)"));
        let damaged = sample().to_json().replace("31", "\"thirty-one\"");
        assert!(Progress::parse(&damaged).unwrap_err().contains("damaged"));
    }

    fn manual_commit(id: &str) -> Option<LessonShape> {
        (id == "manual-commit").then(|| LessonShape {
            steps: 41,
            choices: BTreeMap::from([(14, 3), (27, 3), (40, 2)]),
        })
    }

    #[test]
    fn a_file_is_checked_against_the_course_and_refused_with_what_is_out_of_range() {
        assert_eq!(sample().check(manual_commit), Ok(()));
        let with = |edit: fn(&mut LessonProgress)| {
            let mut p = sample();
            edit(p.lessons.get_mut("manual-commit").unwrap());
            p.check(manual_commit).unwrap_err()
        };
        assert_eq!(
            with(|l| l.furthest_step = 4294967295),
            "lesson \"manual-commit\" reached step 4294967295, but it has 41 steps"
        );
        assert_eq!(
            with(|l| {
                l.answers.insert(15, 0);
            }),
            "lesson \"manual-commit\" has an answer at step 15, where it asks no question"
        );
        assert_eq!(
            with(|l| {
                l.answers.insert(40, 2);
            }),
            "lesson \"manual-commit\" has answer 2 at step 40, where the question has 2 choices"
        );
        let mut unknown = sample();
        unknown
            .lessons
            .insert("lesson-9999".into(), LessonProgress::default());
        assert_eq!(
            unknown.check(manual_commit).unwrap_err(),
            "it has progress for \"lesson-9999\", a lesson this course does not have"
        );
        let huge = format!(
            "{{\"format\": \"{FORMAT}\", \"pad\": \"{}\"}}",
            "x".repeat(MAX_FILE_BYTES)
        );
        assert_eq!(
            Progress::parse(&huge).unwrap_err(),
            "the file is 257 KiB, and a progress file is at most 256 KiB"
        );
    }

    #[test]
    fn merging_keeps_the_most_of_each_and_never_loses_an_answer() {
        let mut mine = sample();
        let mut theirs = Progress::empty();
        theirs.lessons.insert(
            "manual-commit".into(),
            LessonProgress {
                furthest_step: 12,
                answers: BTreeMap::from([(14, 0), (40, 1)]),
                goal_reached: true,
            },
        );
        mine.merge(&theirs);
        let merged = mine.lesson("manual-commit");
        assert_eq!(merged.furthest_step, 31);
        assert!(merged.goal_reached);
        assert_eq!(merged.answers, BTreeMap::from([(14, 1), (27, 2), (40, 1)]));
    }

    #[test]
    fn reducer_records_only_progress_forward() {
        let state = Rc::new(ProgressState {
            progress: sample(),
            saved: true,
        });
        let same = state.clone().reduce(ProgressAction::Reached {
            lesson: "manual-commit".into(),
            step: 3,
        });
        assert!(Rc::ptr_eq(&state, &same));
        let further = state.reduce(ProgressAction::Reached {
            lesson: "manual-commit".into(),
            step: 40,
        });
        assert_eq!(further.progress.lesson("manual-commit").furthest_step, 40);
    }
}
