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
    // Entries share the index, so a step re-renders only the two entries whose status changed.
    let entries = (0..props.index.lines.len()).map(|i| {
        html! {
            <EventLogEntry key={i} index={props.index.clone()} line={i} current={i + 1 == props.cursor}
                           future={i + 1 > props.cursor} on_jump={props.on_jump.clone()} />
        }
    });
    html! {
        <ol class="event-log" aria-label="Steps and what they changed">
            { for entries }
        </ol>
    }
}

#[derive(Properties)]
struct EventLogEntryProps {
    index: Rc<TimelineIndex>,
    line: usize,
    current: bool,
    future: bool,
    on_jump: Callback<usize>,
}

impl PartialEq for EventLogEntryProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.index, &other.index)
            && self.line == other.line
            && self.current == other.current
            && self.future == other.future
            && self.on_jump == other.on_jump
    }
}

#[function_component]
fn EventLogEntry(props: &EventLogEntryProps) -> Html {
    let line = &props.index.lines[props.line];
    let number = props.line + 1;
    let onclick = props.on_jump.reform(move |_| number);
    html! {
        <li class={classes!("event", props.current.then_some("current"), props.future.then_some("future"))}
            aria-current={props.current.then_some("step")}>
            <button class="event-jump" {onclick} title={format!("Go to step {number}")}>
                <span class="event-number">{number}</span>
                <span class="event-label">{&line.label}</span>
                if let Some(error) = &line.error {
                    <span class="event-error">{format!("failed: {error}")}</span>
                }
            </button>
            if !props.future {
                <ul class="event-reasons">
                    { for line.sentences.iter().map(|s| html! { <li>{s}</li> }) }
                </ul>
            }
        </li>
    }
}
