//! What the course page that embeds the lab may ask of it: go to a step, start a lesson again, or give back
//! the progress it stored. A command that cannot be carried out changes nothing and is answered with an
//! `error` event naming what is wrong.

use serde::Deserialize;

use crate::catalog;
use crate::progress::{LessonShape, Progress};

/// Far more than a progress file (at most 256 KiB) needs.
const MAX_COMMAND_BYTES: usize = 320 * 1024;

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Command {
    GoToStep {
        #[serde(default)]
        lesson: Option<String>,
        step: usize,
    },
    Reset {
        #[serde(default)]
        lesson: Option<String>,
    },
    LoadProgress {
        progress: serde_json::Value,
    },
}

/// A command checked against the course, ready to carry out.
#[derive(Debug, PartialEq)]
pub enum Order {
    /// Show `lesson` after `step` steps.
    GoTo { lesson: String, step: usize },
    /// Open `lesson` at its start, as written: the learner's own steps are dropped, their progress kept.
    Reset { lesson: String },
    /// Merge into the learner's progress.
    Load(Progress),
}

/// Reads a command (JSON text) and checks it against the course; `shown` is the lesson on screen, which a
/// command without a `lesson` means.
pub fn order(text: &str, shown: Option<&str>) -> Result<Order, String> {
    if text.len() > MAX_COMMAND_BYTES {
        return Err(format!(
            "the command is {} KiB; a command is at most {} KiB",
            text.len().div_ceil(1024),
            MAX_COMMAND_BYTES / 1024
        ));
    }
    let command: Command = serde_json::from_str(text)
        .map_err(|e| format!("the command is not one the lab knows: {e}"))?;
    let lesson = |named: Option<String>| -> Result<(String, LessonShape), String> {
        let id = named
            .or_else(|| shown.map(str::to_string))
            .ok_or("no lesson is open, and the command names none in \"lesson\"")?;
        let lesson = catalog::find(&id)
            .and_then(|entry| entry.lesson)
            .ok_or_else(|| format!("the course has no lesson \"{id}\" to play"))?;
        Ok((id, LessonShape::of(&lesson)))
    };
    match command {
        Command::GoToStep {
            lesson: named,
            step,
        } => {
            let (lesson, shape) = lesson(named)?;
            if step > shape.steps {
                return Err(format!(
                    "lesson \"{lesson}\" has {} steps: there is no step {step}",
                    shape.steps
                ));
            }
            Ok(Order::GoTo { lesson, step })
        }
        Command::Reset { lesson: named } => Ok(Order::Reset {
            lesson: lesson(named)?.0,
        }),
        Command::LoadProgress { progress } => crate::progress::import(&progress.to_string())
            .map(Order::Load)
            .map_err(|problem| {
                format!("the progress was not loaded, and nothing changed: {problem}")
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_to_step_defaults_to_the_lesson_on_screen_and_stays_within_it() {
        assert_eq!(
            order(
                r#"{"type": "go-to-step", "step": 14}"#,
                Some("manual-commit")
            ),
            Ok(Order::GoTo {
                lesson: "manual-commit".into(),
                step: 14
            })
        );
        assert_eq!(
            order(
                r#"{"type": "go-to-step", "lesson": "auto-commit", "step": 2}"#,
                None
            ),
            Ok(Order::GoTo {
                lesson: "auto-commit".into(),
                step: 2
            })
        );
        let steps = LessonShape::of(&catalog::find("manual-commit").unwrap().lesson.unwrap()).steps;
        assert_eq!(
            order(
                r#"{"type": "go-to-step", "step": 9999}"#,
                Some("manual-commit")
            ),
            Err(format!(
                "lesson \"manual-commit\" has {steps} steps: there is no step 9999"
            ))
        );
        assert_eq!(
            order(r#"{"type": "go-to-step", "step": 1}"#, None),
            Err("no lesson is open, and the command names none in \"lesson\"".into())
        );
        assert_eq!(
            order(r#"{"type": "reset", "lesson": "compare"}"#, None),
            Err("the course has no lesson \"compare\" to play".into())
        );
    }

    #[test]
    fn a_command_the_lab_does_not_know_is_refused_by_what_is_wrong() {
        let refused = |text: &str| order(text, Some("manual-commit")).unwrap_err();
        assert!(refused("[1, 2").starts_with("the command is not one the lab knows"));
        assert!(refused(r#"{"type": "jump", "step": 1}"#).contains(
            "unknown variant `jump`, expected one of `go-to-step`, `reset`, `load-progress`"
        ));
        assert!(refused(r#"{"type": "go-to-step"}"#).contains("missing field `step`"));
        assert!(refused(r#"{"type": "go-to-step", "step": -1}"#)
            .contains("invalid value: integer `-1`"));
        assert!(refused(&format!(
            r#"{{"type": "reset", "pad": "{}"}}"#,
            "x".repeat(MAX_COMMAND_BYTES)
        ))
        .contains("a command is at most 320 KiB"));
    }

    #[test]
    fn progress_is_loaded_only_when_it_fits_the_course() {
        let mut progress = Progress::empty();
        progress
            .lessons
            .entry("manual-commit".into())
            .or_default()
            .furthest_step = 3;
        let command = format!(
            r#"{{"type": "load-progress", "progress": {}}}"#,
            progress.to_json()
        );
        assert_eq!(order(&command, None), Ok(Order::Load(progress.clone())));
        progress.lessons.entry("no-such-lesson".into()).or_default();
        let command = format!(
            r#"{{"type": "load-progress", "progress": {}}}"#,
            progress.to_json()
        );
        assert_eq!(
            order(&command, None),
            Err("the progress was not loaded, and nothing changed: it has progress for \"no-such-lesson\", a lesson this course does not have".into())
        );
    }
}
