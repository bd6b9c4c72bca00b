//! The narration card under the stage: the step just taken in the model's own words (the first few
//! sentences; the event log has them all) and, in a lesson, the chapter and what the lesson says at this
//! moment.

use kafka_model::lesson::Lesson;
use yew::prelude::*;

use crate::components::asides::claim_box;
use crate::components::chapters::chapter_line;
use crate::components::lesson_guide::shown_entry;
use crate::playback::StepLine;
use crate::rules::prose;

/// A flush of hundreds of records is hundreds of sentences: the card (read aloud by the live region) shows
/// the first few.
const SHOWN_SENTENCES: usize = 8;

/// The card after `cursor` steps: `line` is the step that led there, as the event log shows it (none at the
/// start). A plain function, not a component: it has no state, and each component type adds its own copy of
/// Yew's lifecycle code to the WebAssembly.
/// Off the lesson's script, `back` is where the learner left it and the way back; the lesson's text, written
/// for the script, is not shown.
pub fn narration(
    cursor: usize,
    line: Option<&StepLine>,
    lesson: Option<&Lesson>,
    back: Option<&(usize, Callback<MouseEvent>)>,
) -> Html {
    let now = match line {
        Some(line) => html! {
            <>
                <p class="now-label">
                    <span class="now-step">{format!("Step {cursor}")}</span>{" "}{&line.label}
                    if let Some(error) = &line.error {
                        {" "}<span class="event-error">{format!("failed: {error}")}</span>
                    }
                </p>
                <ul>{ for line.sentences.iter().take(SHOWN_SENTENCES).map(|s| html! { <li>{s}</li> }) }</ul>
                if line.sentences.len() > SHOWN_SENTENCES {
                    <p class="muted">{format!("… and {} more: every one is in the event log.",
                                              line.sentences.len() - SHOWN_SENTENCES)}</p>
                }
            </>
        },
        None => {
            html! { <p class="now-label">{"The start: nothing has happened yet. Step forward to begin."}</p> }
        }
    };
    let off_script = back.map(|(left_at, onclick)| {
        html! {
            <p class="off-script">
                {format!("Your own steps since step {left_at}, told by the model; the lesson's text describes its own run. ")}
                <button class="button secondary" onclick={onclick.clone()}>
                    {format!("Back to the lesson at step {left_at}")}
                </button>
            </p>
        }
    });
    let chapter = lesson
        .filter(|_| back.is_none())
        .map(|lesson| chapter_line(lesson, cursor));
    let said = lesson
        .filter(|_| back.is_none())
        .and_then(|lesson| shown_entry(lesson, cursor))
        .map(|entry| {
            html! {
                <div class="lesson-narration">
                    {for entry.claim.as_deref().map(claim_box)}
                    <p class="narration">{prose(&entry.say)}</p>
                    if let Some(hint) = &entry.hint {
                        <details class="hint"><summary>{"Hint"}</summary><p>{prose(hint)}</p></details>
                    }
                </div>
            }
        });
    html! {
        <section class="lab-now" aria-label="What just happened" tabindex="0">
            {for chapter}
            {for said}
            <div class="now" aria-live="polite" aria-atomic="true">{now}</div>
            {for off_script}
        </section>
    }
}
