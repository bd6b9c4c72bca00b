//! The actions the model allows at the current step. Choosing one at an earlier step forks the timeline. In a
//! lesson the palette offers first what the chapter is about; the rest wait under "More actions".

use kafka_model::{enabled_actions, Action, Cluster};
use yew::prelude::*;

use crate::action_label::action_label;

/// An action with its button label.
#[derive(Clone, PartialEq)]
pub struct Labelled {
    pub label: String,
    pub action: Action,
}

#[derive(Properties, PartialEq)]
pub struct ActionPaletteProps {
    pub actions: Vec<Labelled>,
    /// Allowed, but not what this part of the lesson is about.
    #[prop_or_default]
    pub more: Vec<Labelled>,
    pub forks: bool,
    pub can_undo: bool,
    pub on_act: Callback<Action>,
    pub on_undo: Callback<()>,
}

/// The enabled actions with their labels, in the model's order.
pub fn palette_actions(state: &Cluster) -> Vec<Labelled> {
    let names = state.names();
    let flavor = state.setup().flavor;
    enabled_actions(state)
        .into_iter()
        .map(|action| Labelled {
            label: action_label(&names, flavor, &action),
            action,
        })
        .collect()
}

/// Splits the palette into the actions of the kinds the chapter's own steps take (who, which call, and for
/// processing whether it fails or deduplicates) and the rest. With none of those allowed, all are offered.
pub fn for_chapter(actions: Vec<Labelled>, chapter: &[Action]) -> (Vec<Labelled>, Vec<Labelled>) {
    let (main, more): (Vec<_>, Vec<_>) = actions
        .into_iter()
        .partition(|a| chapter.iter().any(|step| same_kind(step, &a.action)));
    if main.is_empty() {
        (more, main)
    } else {
        (main, more)
    }
}

fn same_kind(a: &Action, b: &Action) -> bool {
    let process = |action: &Action| match action {
        Action::ConsumerProcess {
            fail, idempotent, ..
        } => Some((*fail, *idempotent)),
        _ => None,
    };
    a.actor() == b.actor() && a.op() == b.op() && process(a) == process(b)
}

fn buttons(actions: &[Labelled], on_act: &Callback<Action>) -> Html {
    actions
        .iter()
        .map(|Labelled { label, action }| {
            let (on_act, action) = (on_act.clone(), action.clone());
            html! {
                <li><button class="action" onclick={Callback::from(move |_| on_act.emit(action.clone()))}>{label}</button></li>
            }
        })
        .collect()
}

#[function_component]
pub fn ActionPalette(props: &ActionPaletteProps) -> Html {
    let on_undo = props.on_undo.reform(|_| ());
    html! {
        <section class="action-palette" aria-labelledby="palette-title">
            <h3 id="palette-title">{"Break it yourself"}</h3>
            <p class="muted">
                { if props.forks { "Acting here replaces the later steps with your own (a fork)." }
                  else { "Choose what happens next." } }
            </p>
            <ul>{ buttons(&props.actions, &props.on_act) }</ul>
            if !props.more.is_empty() {
                <details class="more-actions">
                    <summary>{format!("More actions ({})", props.more.len())}</summary>
                    <ul>{ buttons(&props.more, &props.on_act) }</ul>
                </details>
            }
            if props.can_undo {
                <button class="button secondary" onclick={on_undo}>{"Undo the fork"}</button>
            }
        </section>
    }
}
