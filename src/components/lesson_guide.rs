//! What the lesson asks at this moment: its predict-then-reveal questions (the learner picks an answer before
//! the step happens; once the timeline reaches the reveal, the model's own state grades it). What the lesson
//! says is in the narration card (`narration.rs`).

use std::rc::Rc;

use kafka_model::lesson::{Lesson, Question, ScriptEntry};
use kafka_model::Cluster;
use yew::prelude::*;

use crate::rules::prose;

#[derive(Properties, PartialEq)]
pub struct LessonQuestionsProps {
    pub lesson: Rc<Lesson>,
    /// Steps applied.
    pub cursor: usize,
    /// The choice the learner made for the question asked at each moment (`at`).
    pub answers: Rc<std::collections::BTreeMap<usize, usize>>,
    /// The questions to draw, by the moment each was asked (see `questions_in_view`).
    pub shown: Rc<Vec<usize>>,
    /// For each question shown whose answer the timeline has reached (by the moment it was asked): the
    /// right choice, graded by the model.
    pub right_choices: Rc<std::collections::BTreeMap<usize, usize>>,
    pub on_answer: Callback<(usize, usize)>,
    pub on_jump: Callback<usize>,
}

/// The latest script entry at or before the cursor: narration stays while uneventful steps go by.
pub fn shown_entry(lesson: &Lesson, cursor: usize) -> Option<&ScriptEntry> {
    lesson.script.iter().rev().find(|entry| entry.at <= cursor)
}

/// The questions in view at `cursor` on the lesson's script, with the state there: those still waiting for
/// their answer, and those whose answer came last while what it says still holds on the stage (`right` gives
/// a question's right choice, by the moment it was asked). A reveal never contradicts what is on screen.
pub fn questions_in_view<'a>(
    lesson: &'a Lesson,
    cursor: usize,
    state: &Cluster,
    right: impl Fn(usize) -> Option<usize>,
) -> Vec<(usize, &'a Question)> {
    shown_questions(lesson, cursor)
        .into_iter()
        .filter(|(at, question)| {
            cursor < question.reveal_at
                || right(*at).is_some_and(|r| question.choices[r].check.holds(state))
        })
        .collect()
}

/// The questions asked and still waiting for their answer, and those whose answer came last (all of them
/// when several are answered at the same step), so no question is ever skipped.
fn shown_questions(lesson: &Lesson, cursor: usize) -> Vec<(usize, &Question)> {
    let asked: Vec<(usize, &Question)> = lesson
        .script
        .iter()
        .filter(|entry| entry.at <= cursor)
        .filter_map(|entry| entry.question.as_ref().map(|question| (entry.at, question)))
        .collect();
    let waiting = asked.iter().any(|(_, q)| cursor < q.reveal_at);
    let latest_answer = asked
        .iter()
        .map(|(_, q)| q.reveal_at)
        .filter(|reveal| *reveal <= cursor)
        .max();
    asked
        .into_iter()
        .filter(|(_, q)| {
            cursor < q.reveal_at
                || (waiting && q.reveal_at == cursor)
                || (!waiting && Some(q.reveal_at) == latest_answer)
        })
        .collect()
}

#[function_component]
pub fn LessonQuestions(props: &LessonQuestionsProps) -> Html {
    let shown = props.lesson.script.iter().filter_map(|entry| {
        let question = entry.question.as_ref()?;
        props
            .shown
            .contains(&entry.at)
            .then_some((entry.at, question))
    });
    let questions = shown.map(|(asked_at, question)| {
        let right_choice = props.right_choices.get(&asked_at).copied();
        let chosen = props.answers.get(&asked_at).copied();
        let revealed = props.cursor >= question.reveal_at;
        let choices = question.choices.iter().enumerate().map(|(i, choice)| {
            let on_answer = props.on_answer.clone();
            let at = asked_at;
            let verdict = match (revealed, right_choice) {
                (true, Some(right)) if right == i => Some("right"),
                (true, Some(_)) if chosen == Some(i) => Some("wrong"),
                _ => None,
            };
            html! {
                <li class={classes!("choice", verdict)}>
                    <label>
                        <input type="radio" name={format!("question-{at}")} checked={chosen == Some(i)}
                               disabled={revealed}
                               onchange={Callback::from(move |_| on_answer.emit((at, i)))} />
                        {&choice.text}
                        { match verdict {
                            Some("right") => html! { <strong class="verdict">{" ✔ what the model did"}</strong> },
                            Some(_) => html! { <strong class="verdict">{" ✘ your prediction"}</strong> },
                            None => html! {},
                        } }
                    </label>
                </li>
            }
        });
        let reveal_at = question.reveal_at;
        let footer = if revealed {
            let grade = match (chosen, right_choice) {
                (Some(c), Some(r)) if c == r => "You predicted it.",
                (Some(_), Some(_)) => "Not what happened.",
                _ => "You did not predict this one.",
            };
            html! { <p class="reveal" role="status"><strong>{grade}</strong>{" "}{prose(&question.why)}</p> }
        } else if chosen.is_some() {
            let on_jump = props.on_jump.reform(move |_| reveal_at);
            html! {
                <p class="muted">
                    {"Step forward to see what the model does, or "}
                    <button class="link-button" onclick={on_jump}>{"jump to the answer"}</button>{"."}
                </p>
            }
        } else {
            html! { <p class="muted">{"Predict first: pick an answer, then step forward."}</p> }
        };
        html! {
            <fieldset class="question">
                <legend>{"Predict: "}{prose(&question.prompt)}</legend>
                <ul>{ for choices }</ul>
                {footer}
            </fieldset>
        }
    });
    html! { <>{for questions}</> }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On every lesson's script: every answer is shown at its reveal, and whenever an answer is in view what
    /// it says holds on the stage at that step.
    #[test]
    fn a_reveal_is_seen_and_never_contradicts_the_stage() {
        for lesson in kafka_model::lesson::lessons().into_iter().flatten() {
            let mut timeline = lesson.timeline().unwrap();
            let right = |at: usize| {
                let question = lesson
                    .script
                    .iter()
                    .find(|e| e.at == at)?
                    .question
                    .as_ref()?;
                let mut reveal = timeline.clone();
                reveal.jump(question.reveal_at);
                question.right_choices(reveal.state()).first().copied()
            };
            let rights: Vec<(usize, Option<usize>)> =
                lesson.script.iter().map(|e| (e.at, right(e.at))).collect();
            let right = |at: usize| rights.iter().find(|(a, _)| *a == at).and_then(|(_, r)| *r);
            let mut stale = 0;
            for cursor in 0..=timeline.len() {
                timeline.jump(cursor);
                let in_view = questions_in_view(&lesson, cursor, timeline.state(), right);
                for (at, question) in shown_questions(&lesson, cursor) {
                    let revealed = cursor >= question.reveal_at;
                    let seen = in_view.iter().any(|(a, _)| *a == at);
                    if cursor == question.reveal_at {
                        assert!(
                            seen,
                            "{} step {cursor}: the answer to \"{}\" is not shown",
                            lesson.id, question.prompt
                        );
                    }
                    if revealed && seen {
                        let r = right(at).unwrap();
                        assert!(
                            question.choices[r].check.holds(timeline.state()),
                            "{} step {cursor}",
                            lesson.id
                        );
                    }
                    if revealed && !seen {
                        stale += 1;
                    }
                }
            }
            if lesson.id == "auto-commit" {
                assert!(
                    stale > 0,
                    "the auto-commit lesson has an answer that goes stale and is hidden"
                );
            }
        }
    }
}
