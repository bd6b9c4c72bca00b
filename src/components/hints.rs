//! Help on asking: hints one at a time, then the solution.

use yew::prelude::*;

use crate::rules::prose;

#[derive(Properties, PartialEq)]
pub struct HintsProps {
    pub hints: Vec<String>,
    /// Drawn, folded, only once every hint is shown: working it out may mean replaying the lesson.
    pub solution: Callback<(), Html>,
}

#[function_component]
pub fn Hints(props: &HintsProps) -> Html {
    let shown = use_state(|| 0usize);
    let on_hint = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + 1))
    };
    html! {
        <div class="hints">
            { for props.hints.iter().take(*shown).enumerate().map(|(i, hint)| html! {
                <p class="hint">{format!("Hint {}: ", i + 1)}{prose(hint)}</p>
            }) }
            if *shown < props.hints.len() {
                <button class="button secondary" onclick={on_hint}>
                    {format!("Hint {} of {}", *shown + 1, props.hints.len())}
                </button>
            } else {
                <details class="solution">
                    <summary>{"Show the solution"}</summary>
                    {props.solution.emit(())}
                </details>
            }
        </div>
    }
}
