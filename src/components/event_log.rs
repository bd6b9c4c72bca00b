//! Every step of the timeline with its plain-language reasons; the current step is marked, any step is a jump.

use std::rc::Rc;

use yew::prelude::*;

use crate::playback::TimelineIndex;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub index: Rc<TimelineIndex>,
    /// Steps applied: the step just taken is `cursor - 1`.
    pub cursor: usize,
    pub on_jump: Callback<usize>,
}

#[function_component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let entries = props.index.lines.iter().enumerate().map(|(i, line)| {
        html! {
            <EventLogEntry key={i} number={i + 1} label={line.label.clone()} error={line.error.clone()}
                           sentences={line.sentences.clone()} current={i + 1 == props.cursor}
                           future={i + 1 > props.cursor} on_jump={props.on_jump.clone()} />
        }
    });
    html! {
        <ol class="event-log" aria-label="Steps and what they changed">
            { for entries }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
struct EventLogEntryProps {
    number: usize,
    label: String,
    error: Option<String>,
    sentences: Vec<String>,
    current: bool,
    future: bool,
    on_jump: Callback<usize>,
}

#[function_component]
fn EventLogEntry(props: &EventLogEntryProps) -> Html {
    let number = props.number;
    let onclick = props.on_jump.reform(move |_| number);
    html! {
        <li class={classes!("event", props.current.then_some("current"), props.future.then_some("future"))}
            aria-current={props.current.then_some("step")}>
            <button class="event-jump" {onclick} title={format!("Go to step {number}")}>
                <span class="event-number">{number}</span>
                <span class="event-label">{&props.label}</span>
                if let Some(error) = &props.error {
                    <span class="event-error">{format!("failed: {error}")}</span>
                }
            </button>
            if !props.future {
                <ul class="event-reasons">
                    { for props.sentences.iter().map(|s| html! { <li>{s}</li> }) }
                </ul>
            }
        </li>
    }
}
