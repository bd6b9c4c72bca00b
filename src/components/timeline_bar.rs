//! Step back and forward, play and pause, a scrubber over the whole timeline, and "jump to the first problem".

use yew::prelude::*;

use crate::playback::{PlaybackAction, SPEEDS};

/// Where "first problem" leads: the step where the timeline's first problem shows, or first a question of
/// the lesson that the learner has not answered on the way there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ProblemJump {
    Problem(usize),
    QuestionFirst(usize),
}

#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    pub cursor: usize,
    pub len: usize,
    pub playing: bool,
    pub speed: u32,
    pub first_problem: Option<ProblemJump>,
    pub on_action: Callback<PlaybackAction>,
    /// The "?" button: show the keys.
    pub on_help: Callback<()>,
}

#[function_component]
pub fn TimelineBar(props: &TimelineBarProps) -> Html {
    let send =
        |action: fn() -> PlaybackAction| props.on_action.reform(move |_: MouseEvent| action());
    let on_scrub = props.on_action.reform(|event: InputEvent| {
        let input: web_sys::HtmlInputElement = event.target_unchecked_into();
        PlaybackAction::Jump(input.value().parse().unwrap_or(0))
    });
    let on_speed = props.on_action.reform(|event: Event| {
        let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
        PlaybackAction::SetSpeed(select.value().parse().unwrap_or(SPEEDS[1]))
    });
    let at_start = props.cursor == 0;
    let at_end = props.cursor == props.len;
    let jump_problem = props.first_problem.map(|jump| {
        let (ProblemJump::Problem(step) | ProblemJump::QuestionFirst(step)) = jump;
        let label = match jump {
            ProblemJump::Problem(_) => "Jump to the first problem",
            ProblemJump::QuestionFirst(_) => "Jump to the question before the first problem",
        };
        (
            label,
            props
                .on_action
                .reform(move |_: MouseEvent| PlaybackAction::Jump(step)),
        )
    });
    html! {
        <div class="timeline-bar" role="toolbar" aria-label="Timeline">
            <button onclick={send(|| PlaybackAction::ToStart)} disabled={at_start}
                    aria-label="Reset to the start" title="Reset (Home)">{icon("M6 5v14M19 5l-9 7 9 7z")}</button>
            <button onclick={send(|| PlaybackAction::Back)} disabled={at_start}
                    aria-label="Step back" title="Step back (←)">{icon("M16 5l-9 7 9 7z")}</button>
            <button class="play" onclick={send(|| PlaybackAction::TogglePlay)} disabled={props.len == 0}
                    aria-label={if props.playing { "Pause" } else { "Play" }} title="Play or pause (space)">
                { if props.playing { icon("M7 5h4v14H7zM13 5h4v14h-4z") } else { icon("M8 5l11 7-11 7z") } }
            </button>
            <button onclick={send(|| PlaybackAction::Forward)} disabled={at_end}
                    aria-label="Step forward" title="Step forward (→)">{icon("M8 5l9 7-9 7z")}</button>
            <button onclick={send(|| PlaybackAction::ToEnd)} disabled={at_end}
                    aria-label="Go to the last step" title="Last step (End)">{icon("M18 5v14M5 5l9 7-9 7z")}</button>
            <label class="scrubber">
                <span class="visually-hidden">{"Step"}</span>
                <input type="range" min="0" max={props.len.to_string()} value={props.cursor.to_string()}
                       oninput={on_scrub} aria-valuetext={format!("step {} of {}", props.cursor, props.len)} />
            </label>
            <span class="step-count" aria-hidden="true">{format!("step {} / {}", props.cursor, props.len)}</span>
            <label class="speed">
                {"speed "}
                <select onchange={on_speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={*s == props.speed}>{format!("{s}×")}</option>
                    }) }
                </select>
            </label>
            if let Some((label, onclick)) = jump_problem {
                <button class="first-problem" {onclick} aria-label={label} title={label}>{"⚠ First problem"}</button>
            }
            <button class="keys" onclick={props.on_help.reform(|_: MouseEvent| ())}
                    aria-label="Keyboard keys" title="Keys (?)">{"?"}</button>
        </div>
    }
}

/// A 24×24 control icon; the button's label says what it does.
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d={path} />
        </svg>
    }
}
