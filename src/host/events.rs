//! What the lab tells the course page that embeds it: that it is ready, each step, each prediction (right
//! or wrong), a goal reached, a chapter and a lesson completed, and the learner's progress to store. The
//! answers, goals and completions also carry an xAPI-shaped statement (verb, object, result; the host adds
//! the actor), so a platform's learning record store can take them as they are.

use std::collections::BTreeMap;

use kafka_model::lesson::Lesson;
use serde::Serialize;

use crate::progress::{LessonProgress, Progress};
use crate::route::Route;

/// Names every message, so a host page that hears from several frames can tell the lab's apart.
pub const SOURCE: &str = "kafka-delivery-lab";
/// The message format's version: a field added keeps it, a field changed or removed moves it on.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum HostEvent {
    /// The lab has loaded and hears commands from now on.
    Ready {
        lesson: Option<String>,
        step: Option<usize>,
        progress: Progress,
    },
    /// The learner moved to `step` (steps applied) of a lesson, in chapter `chapter` (from 1).
    Step {
        lesson: String,
        step: usize,
        chapter: usize,
    },
    /// A prediction made at `step`: `choice` counts from 0 in the order shown.
    Answered {
        lesson: String,
        step: usize,
        choice: usize,
        correct: bool,
        statement: Statement,
    },
    GoalReached {
        lesson: String,
        statement: Statement,
    },
    ChapterCompleted {
        lesson: String,
        chapter: usize,
        chapters: usize,
        statement: Statement,
    },
    /// Every chapter stepped through and the goal reached; the score counts right predictions.
    LessonCompleted {
        lesson: String,
        score: Score,
        statement: Statement,
    },
    /// The learner's whole progress after any change, in the format of the exported progress file: what a
    /// platform stores, and gives back with the `load-progress` command.
    Progress { progress: Progress },
    /// A command the lab did not carry out, and why.
    Error { message: String },
}

/// An event as posted: the event's fields with the source and the format version beside them.
#[derive(Serialize)]
struct Message<'a> {
    source: &'static str,
    version: u32,
    #[serde(flatten)]
    event: &'a HostEvent,
}

impl HostEvent {
    pub fn to_message_json(&self) -> String {
        serde_json::to_string(&Message {
            source: SOURCE,
            version: VERSION,
            event: self,
        })
        .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    pub verb: Verb,
    pub object: Activity,
    pub result: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verb {
    pub id: String,
    pub display: BTreeMap<&'static str, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub object_type: &'static str,
    /// The activity's address in the course: a lesson, a chapter or the moment a question is asked.
    pub id: String,
    pub definition: Definition,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Definition {
    pub name: BTreeMap<&'static str, String>,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    pub raw: usize,
    pub min: usize,
    pub max: usize,
    /// `raw / max`, from 0 to 1.
    pub scaled: f64,
}

/// The event for a prediction, `right` being the choice the model bears out (`None` before it is known).
pub fn answered(
    lesson: &Lesson,
    base: &str,
    at: usize,
    choice: usize,
    right: Option<usize>,
) -> Option<HostEvent> {
    let question = lesson
        .script
        .iter()
        .find(|entry| entry.at == at)?
        .question
        .as_ref()?;
    let correct = right == Some(choice);
    let address = Route::Lesson {
        id: lesson.id.clone(),
        step: at as u32,
    };
    Some(HostEvent::Answered {
        lesson: lesson.id.clone(),
        step: at,
        choice,
        correct,
        statement: statement(
            "answered",
            activity(base, &address, &question.prompt, "cmi.interaction"),
            Outcome {
                success: Some(correct),
                response: question.choices.get(choice).map(|c| c.text.clone()),
                ..Outcome::default()
            },
        ),
    })
}

/// What a move to `cursor` achieved, given the lesson's progress before it and whether the goal is now met:
/// the chapters ended for the first time, the goal reached for the first time, and the lesson completed.
/// `right` gives the right choice of the question asked at a step.
pub fn progressed(
    lesson: &Lesson,
    base: &str,
    before: &LessonProgress,
    cursor: usize,
    goal_reached: bool,
    right: impl Fn(usize) -> Option<usize>,
) -> Vec<HostEvent> {
    let id = &lesson.id;
    let chapters = lesson.chapters.len();
    let mut events: Vec<HostEvent> = lesson
        .chapters
        .iter()
        .enumerate()
        .filter(|(_, chapter)| before.furthest_step < chapter.end && chapter.end <= cursor)
        .map(|(index, chapter)| {
            let address = Route::Chapter {
                id: id.clone(),
                chapter: index as u32 + 1,
            };
            HostEvent::ChapterCompleted {
                lesson: id.clone(),
                chapter: index + 1,
                chapters,
                statement: statement(
                    "completed",
                    activity(base, &address, &chapter.title, "module"),
                    Outcome {
                        completion: Some(true),
                        ..Outcome::default()
                    },
                ),
            }
        })
        .collect();
    let the_lesson = activity(
        base,
        &Route::Lesson {
            id: id.clone(),
            step: 0,
        },
        &lesson.title,
        "lesson",
    );
    if goal_reached && !before.goal_reached {
        events.push(HostEvent::GoalReached {
            lesson: id.clone(),
            statement: statement(
                "passed",
                the_lesson.clone(),
                Outcome {
                    success: Some(true),
                    ..Outcome::default()
                },
            ),
        });
    }
    let last_end = lesson.chapters.last().map_or(0, |chapter| chapter.end);
    let was_complete = before.furthest_step >= last_end && before.goal_reached;
    let is_complete =
        before.furthest_step.max(cursor) >= last_end && (before.goal_reached || goal_reached);
    if is_complete && !was_complete {
        let score = score(lesson, before, right);
        events.push(HostEvent::LessonCompleted {
            lesson: id.clone(),
            score: score.clone(),
            statement: statement(
                "completed",
                the_lesson,
                Outcome {
                    success: Some(true),
                    completion: Some(true),
                    score: Some(score),
                    ..Outcome::default()
                },
            ),
        });
    }
    events
}

/// Right predictions out of the lesson's questions.
fn score(
    lesson: &Lesson,
    progress: &LessonProgress,
    right: impl Fn(usize) -> Option<usize>,
) -> Score {
    let max = lesson
        .script
        .iter()
        .filter(|entry| entry.question.is_some())
        .count();
    let raw = progress
        .answers
        .iter()
        .filter(|(at, choice)| right(**at) == Some(**choice))
        .count();
    Score {
        raw,
        min: 0,
        max,
        scaled: if max == 0 {
            1.0
        } else {
            raw as f64 / max as f64
        },
    }
}

/// A statement with one of ADL's verbs (https://w3id.org/xapi/adl/verbs).
fn statement(verb: &str, object: Activity, result: Outcome) -> Statement {
    Statement {
        verb: Verb {
            id: format!("http://adlnet.gov/expapi/verbs/{verb}"),
            display: BTreeMap::from([("en-US", verb.to_string())]),
        },
        object,
        result,
    }
}

/// `base` is the course's address without its hash; `kind` one of ADL's activity types.
fn activity(base: &str, address: &Route, name: &str, kind: &str) -> Activity {
    Activity {
        object_type: "Activity",
        id: format!("{base}{}", address.to_hash()),
        definition: Definition {
            name: BTreeMap::from([("en-US", name.to_string())]),
            kind: format!("http://adlnet.gov/expapi/activities/{kind}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_model::lesson::lessons;

    const BASE: &str = "https://lab.example/course/";

    fn manual_commit() -> Lesson {
        lessons()
            .into_iter()
            .filter_map(Result::ok)
            .find(|lesson| lesson.id == "manual-commit")
            .expect("the course has the manual-commit lesson")
    }

    fn asked(lesson: &Lesson) -> Vec<usize> {
        lesson
            .script
            .iter()
            .filter(|entry| entry.question.is_some())
            .map(|entry| entry.at)
            .collect()
    }

    #[test]
    fn a_message_names_its_source_version_and_type_beside_the_events_fields() {
        let message = HostEvent::Step {
            lesson: "manual-commit".into(),
            step: 3,
            chapter: 1,
        }
        .to_message_json();
        assert_eq!(
            message,
            r#"{"source":"kafka-delivery-lab","version":1,"type":"step","lesson":"manual-commit","step":3,"chapter":1}"#
        );
    }

    #[test]
    fn an_answer_says_whether_it_was_right_and_what_was_chosen() {
        let lesson = manual_commit();
        let at = asked(&lesson)[0];
        let question = lesson
            .script
            .iter()
            .find(|e| e.at == at)
            .unwrap()
            .question
            .clone()
            .unwrap();
        let event = answered(&lesson, BASE, at, 1, Some(1)).unwrap();
        let HostEvent::Answered {
            correct, statement, ..
        } = &event
        else {
            panic!("{event:?}")
        };
        assert!(correct);
        assert_eq!(statement.verb.id, "http://adlnet.gov/expapi/verbs/answered");
        assert_eq!(
            statement.object.id,
            format!("{BASE}#/lesson/manual-commit/step/{at}")
        );
        assert_eq!(statement.object.definition.name["en-US"], question.prompt);
        assert_eq!(
            statement.result.response.as_deref(),
            Some(question.choices[1].text.as_str())
        );
        let wrong = answered(&lesson, BASE, at, 0, Some(1)).unwrap();
        assert!(matches!(wrong, HostEvent::Answered { correct: false, .. }));
        assert_eq!(
            answered(&lesson, BASE, at + 1, 0, Some(0)),
            None,
            "no question there"
        );
    }

    #[test]
    fn a_chapter_completes_once_when_first_stepped_past_its_end() {
        let lesson = manual_commit();
        let end = lesson.chapters[0].end;
        let before = LessonProgress::default();
        let names = |events: Vec<HostEvent>| -> Vec<(usize, String)> {
            events
                .into_iter()
                .filter_map(|event| match event {
                    HostEvent::ChapterCompleted {
                        chapter, statement, ..
                    } => Some((chapter, statement.object.id)),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            names(progressed(&lesson, BASE, &before, end - 1, false, |_| None)),
            []
        );
        assert_eq!(
            names(progressed(&lesson, BASE, &before, end, false, |_| None)),
            [(1, format!("{BASE}#/lesson/manual-commit/chapter/1"))]
        );
        let been_there = LessonProgress {
            furthest_step: end,
            ..LessonProgress::default()
        };
        assert_eq!(
            names(progressed(&lesson, BASE, &been_there, end, false, |_| None)),
            []
        );
        // A jump to the end passes every chapter at once.
        let last = lesson.chapters.last().unwrap().end;
        assert_eq!(
            names(progressed(&lesson, BASE, &before, last, false, |_| None)).len(),
            lesson.chapters.len()
        );
    }

    #[test]
    fn the_lesson_completes_with_every_chapter_and_the_goal_scored_by_right_predictions() {
        let lesson = manual_commit();
        let last = lesson.chapters.last().unwrap().end;
        let questions = asked(&lesson);
        // Every prediction the first choice; the right one is the first only at the first question.
        let before = LessonProgress {
            furthest_step: last,
            answers: questions.iter().map(|at| (*at, 0)).collect(),
            goal_reached: false,
        };
        let right = |at: usize| Some(if at == questions[0] { 0 } else { 1 });
        let events = progressed(&lesson, BASE, &before, 5, true, right);
        let kinds: Vec<&str> = events
            .iter()
            .map(|event| match event {
                HostEvent::GoalReached { .. } => "goal",
                HostEvent::LessonCompleted { .. } => "lesson",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["goal", "lesson"]);
        let HostEvent::LessonCompleted {
            score, statement, ..
        } = &events[1]
        else {
            unreachable!()
        };
        assert_eq!((score.raw, score.max), (1, questions.len()));
        assert_eq!(statement.result.score.as_ref(), Some(score));
        assert_eq!(statement.result.completion, Some(true));
        // The goal without every chapter is not the lesson completed, and nothing is told twice.
        let halfway = LessonProgress {
            furthest_step: last - 1,
            ..LessonProgress::default()
        };
        let events = progressed(&lesson, BASE, &halfway, 3, true, right);
        assert!(matches!(events.as_slice(), [HostEvent::GoalReached { .. }]));
        let done = LessonProgress {
            goal_reached: true,
            ..before
        };
        assert_eq!(progressed(&lesson, BASE, &done, last, true, right), []);
    }
}
