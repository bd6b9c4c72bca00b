//! The actions the model allows at the current step. Choosing one at an earlier step forks the timeline.

use kafka_model::{enabled_actions, Action, Cluster};
use yew::prelude::*;

use crate::action_label::action_label;

#[derive(Properties, PartialEq)]
pub struct ActionPaletteProps {
    pub actions: Vec<(String, Action)>,
    pub forks: bool,
    pub can_undo: bool,
    pub on_act: Callback<Action>,
    pub on_undo: Callback<()>,
}

/// The enabled actions with their labels, in the model's order.
pub fn palette_actions(state: &Cluster) -> Vec<(String, Action)> {
    let names = state.names();
    enabled_actions(state)
        .into_iter()
        .map(|action| (action_label(&names, &action), action))
        .collect()
}

#[function_component]
pub fn ActionPalette(props: &ActionPaletteProps) -> Html {
    let buttons = props.actions.iter().map(|(label, action)| {
        let on_act = props.on_act.clone();
        let action = action.clone();
        html! {
            <li><button class="action" onclick={Callback::from(move |_| on_act.emit(action.clone()))}>{label}</button></li>
        }
    });
    let on_undo = props.on_undo.reform(|_| ());
    html! {
        <section class="action-palette" aria-labelledby="palette-title">
            <h3 id="palette-title">{"Break it yourself"}</h3>
            <p class="muted">
                { if props.forks { "Acting here replaces the later steps with your own (a fork)." }
                  else { "Choose what happens next." } }
            </p>
            <ul>{ for buttons }</ul>
            if props.can_undo {
                <button class="button secondary" onclick={on_undo}>{"Undo the fork"}</button>
            }
        </section>
    }
}
