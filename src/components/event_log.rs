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

/// Entries per block. A step re-renders the one or two blocks the cursor moved in or out of; a block wholly
/// before or after the cursor is marked as one, so a jump across the timeline changes a class per block, not per
/// entry; and the browser skips the blocks out of view.
const BLOCK: usize = 50;

#[function_component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let lines = props.index.lines.len();
    let blocks = (0..lines).step_by(BLOCK).map(|start| {
        let end = (start + BLOCK).min(lines);
        html! {
            <EventLogBlock key={start} index={props.index.clone()} lines={start..end}
                           cursor={props.cursor.clamp(start, end + 1)} on_jump={props.on_jump.clone()} />
        }
    });
    html! {
        <div class="event-log" role="list" aria-label="Steps and what they changed">
            { for blocks }
        </div>
    }
}

#[derive(Properties)]
struct EventLogBlockProps {
    index: Rc<TimelineIndex>,
    lines: std::ops::Range<usize>,
    /// The cursor clamped to the block: every cursor before it, or every one after it, renders the same.
    cursor: usize,
    on_jump: Callback<usize>,
}

impl PartialEq for EventLogBlockProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.index, &other.index)
            && self.lines == other.lines
            && self.cursor == other.cursor
            && self.on_jump == other.on_jump
    }
}

#[function_component]
fn EventLogBlock(props: &EventLogBlockProps) -> Html {
    let all_future = props.cursor <= props.lines.start;
    let entries = props.lines.clone().map(|i| {
        html! {
            <EventLogEntry key={i} index={props.index.clone()} line={i} current={i + 1 == props.cursor}
                           future={!all_future && i + 1 > props.cursor} on_jump={props.on_jump.clone()} />
        }
    });
    html! {
        <div class={classes!("event-block", all_future.then_some("future"))}>{ for entries }</div>
    }
}

#[derive(Properties)]
struct EventLogEntryProps {
    index: Rc<TimelineIndex>,
    line: usize,
    current: bool,
    /// Still to come, in a block the cursor is in.
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
    // A step still to come hides its reasons (they have not happened) by a class, so moving the cursor does
    // not add or remove them.
    html! {
        <div role="listitem" class={classes!("event", props.current.then_some("current"), props.future.then_some("future"))}
            aria-current={props.current.then_some("step")}>
            <button class="event-jump" {onclick} title={format!("Go to step {number}")}>
                <span class="event-number">{number}</span>
                <span class="event-label">{&line.label}</span>
                if let Some(error) = &line.error {
                    <span class="event-error">{format!("failed: {error}")}</span>
                }
            </button>
            <EventReasons index={props.index.clone()} line={props.line} />
        </div>
    }
}

#[derive(Properties)]
struct EventReasonsProps {
    index: Rc<TimelineIndex>,
    line: usize,
}

impl PartialEq for EventReasonsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.index, &other.index) && self.line == other.line
    }
}

#[function_component]
fn EventReasons(props: &EventReasonsProps) -> Html {
    html! {
        <ul class="event-reasons">
            { for props.index.lines[props.line].sentences.iter().map(|s| html! { <li>{s}</li> }) }
        </ul>
    }
}
