//! What the lesson asks at this moment: its predict-then-reveal questions (the learner picks an answer before
//! the step happens; once the timeline reaches the reveal, the model's own state grades it). What the lesson
//! says is in the narration card (`narration.rs`).

use std::rc::Rc;

use kafka_model::lesson::{Lesson, Question, ScriptEntry};
use yew::prelude::*;

use crate::rules::prose;

#[derive(Properties, PartialEq)]
pub struct LessonQuestionsProps {
    pub lesson: Rc<Lesson>,
    /// Steps applied.
    pub cursor: usize,
    /// The choice the learner made for the question asked at each moment (`at`).
    pub answers: Rc<std::collections::BTreeMap<usize, usize>>,
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

/// The questions to show: those asked and still waiting for their answer, and those whose answer came
/// last (all of them when several are answered at the same step), so no question is ever skipped.
pub fn shown_questions(lesson: &Lesson, cursor: usize) -> Vec<(usize, &Question)> {
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
    let questions = shown_questions(&props.lesson, props.cursor).into_iter().map(|(asked_at, question)| {
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
