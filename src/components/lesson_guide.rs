//! What the lesson says at this moment, and its predict-then-reveal question: the learner picks an answer
//! before the step happens; once the timeline reaches the reveal, the model's own state grades it.

use std::rc::Rc;

use kafka_model::lesson::{Lesson, Question, ScriptEntry};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonGuideProps {
    pub lesson: Rc<Lesson>,
    /// Steps applied.
    pub cursor: usize,
    /// The choice the learner made for the question asked at each moment (`at`).
    pub answers: Rc<std::collections::BTreeMap<usize, usize>>,
    /// For the question shown: the right choice, once the timeline has reached its reveal.
    pub right_choice: Option<usize>,
    pub on_answer: Callback<(usize, usize)>,
    pub on_jump: Callback<usize>,
}

/// The latest script entry at or before the cursor: narration stays while uneventful steps go by.
pub fn shown_entry(lesson: &Lesson, cursor: usize) -> Option<&ScriptEntry> {
    lesson.script.iter().rev().find(|entry| entry.at <= cursor)
}

/// The latest question asked at or before the cursor: it stays up until its answer shows, and after.
pub fn shown_question(lesson: &Lesson, cursor: usize) -> Option<(usize, &Question)> {
    lesson
        .script
        .iter()
        .rev()
        .filter(|entry| entry.at <= cursor)
        .find_map(|entry| entry.question.as_ref().map(|question| (entry.at, question)))
}

#[function_component]
pub fn LessonGuide(props: &LessonGuideProps) -> Html {
    let Some(entry) = shown_entry(&props.lesson, props.cursor) else {
        return html! {};
    };
    let question = shown_question(&props.lesson, props.cursor).map(|(asked_at, question)| {
        let chosen = props.answers.get(&asked_at).copied();
        let revealed = props.cursor >= question.reveal_at;
        let choices = question.choices.iter().enumerate().map(|(i, choice)| {
            let on_answer = props.on_answer.clone();
            let at = asked_at;
            let verdict = match (revealed, props.right_choice) {
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
            let grade = match (chosen, props.right_choice) {
                (Some(c), Some(r)) if c == r => "You predicted it.",
                (Some(_), Some(_)) => "Not what happened.",
                _ => "You did not predict this one.",
            };
            html! { <p class="reveal" role="status"><strong>{grade}</strong>{" "}{&question.why}</p> }
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
                <legend>{"Predict: "}{&question.prompt}</legend>
                <ul>{ for choices }</ul>
                {footer}
            </fieldset>
        }
    });
    html! {
        <section class="lesson-guide" aria-label="Lesson">
            <p class="narration">{&entry.say}</p>
            if let Some(hint) = &entry.hint {
                <details class="hint"><summary>{"Hint"}</summary><p>{hint}</p></details>
            }
            {for question}
        </section>
    }
}
