//! What a lesson says beside its steps: the common claim it puts to the test, and what the learner now knows.

use kafka_model::lesson::Lesson;
use yew::prelude::*;

use crate::rules::prose;

/// A belief set apart from the narration, so it never reads as the course's own word.
pub fn claim_box(claim: &str) -> Html {
    html! {
        <aside class="claim" aria-label="A common claim">
            <strong>{"A common claim: "}</strong>{claim}
        </aside>
    }
}

/// The lesson's "What you now know", under a heading of `level` (the lab's h3, the handout's h2); nothing for a
/// lesson without one.
pub fn recap(lesson: &Lesson, level: &'static str) -> Html {
    if lesson.recap.is_empty() {
        return Html::default();
    }
    html! {
        <section class="recap" aria-labelledby="recap-title">
            <@{level} id="recap-title">{"What you now know"}</@>
            <ul>{ for lesson.recap.iter().map(|line| html! { <li>{prose(line)}</li> }) }</ul>
        </section>
    }
}
