//! The player, laid out as a lab on one screen: the stage, the narration, the question or goal of the moment
//! and the timeline controls always in view, and the panels (code, actions, ledger, database, event log, real
//! cluster) one tab away. Timers, keys and the address bar are effects here.

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Interval;
use kafka_model::lesson::Lesson;
use kafka_model::output::{actor_name, ledger_output};
use kafka_model::Timeline;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::action_label::action_label;
use crate::components::action_palette::{for_chapter, palette_actions};
use crate::components::chapters::chapter_end;
use crate::components::lesson_guide::questions_in_view;
use crate::components::timeline_bar::ProblemJump;
use crate::components::{
    lab_panels, narration, stage, ActionPalette, CodePanel, DatabaseTable, DesignPanel, EventLog,
    GoalBanner, KeyHelp, LedgerTable, LessonQuestions, Panel, RealClusterPanel, TimelineBar,
};
use crate::host::events as host_events;
use crate::host::HostLink;
use crate::live::model_run::Snapshot;
use crate::playback::{Playback, PlaybackAction};
use crate::progress::{ProgressAction, ProgressContext};
use crate::stage_view::stage_at;
use crate::storage;

#[derive(Properties)]
pub struct PlayerProps {
    pub timeline: Rc<Timeline>,
    /// Steps applied when the player opens, and whenever `visit` changes (the address bar navigated).
    pub start_at: usize,
    #[prop_or_default]
    pub visit: u32,
    /// Told the cursor after every move, so the address bar can hold it.
    #[prop_or_default]
    pub on_cursor: Callback<usize>,
    /// Told the recorded steps as a scenario (minified JSON) whenever they change, and once at the start.
    #[prop_or_default]
    pub on_timeline: Callback<String>,
    /// The lesson being played: narration, questions, code and goal.
    #[prop_or_default]
    pub lesson: Option<Rc<Lesson>>,
    /// Panels of the page's own, after the player's (the sandbox's scenario).
    #[prop_or_default]
    pub panels: Vec<Panel>,
}

impl PartialEq for PlayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.start_at == other.start_at
            && self.visit == other.visit
            && self.on_cursor == other.on_cursor
            && self.on_timeline == other.on_timeline
            && self.lesson == other.lesson
            && self.panels == other.panels
    }
}

/// Every panel a page may have, by id.
const PANELS: &[&str] = &[
    "code", "design", "actions", "ledger", "database", "events", "real", "scenario",
];

/// Where the open panel is remembered between visits.
const OPEN_PANEL_KEY: &str = "kafka-delivery-lab.panel";

#[function_component]
pub fn Player(props: &PlayerProps) -> Html {
    let playback = {
        let timeline = props.timeline.clone();
        let start_at = props.start_at;
        use_reducer(move || {
            let mut timeline = (*timeline).clone();
            timeline.jump(start_at);
            Playback::new(timeline)
        })
    };
    let dispatch = {
        let playback = playback.clone();
        Callback::from(move |action: PlaybackAction| playback.dispatch(action))
    };
    let timeline = &playback.timeline;
    let cursor = timeline.cursor();

    {
        // The address bar moved the cursor (a pasted link, back and forward).
        let dispatch = dispatch.clone();
        use_effect_with((props.start_at, props.visit), move |(step, _)| {
            dispatch.emit(PlaybackAction::Jump(*step))
        });
    }
    {
        let on_timeline = props.on_timeline.clone();
        let playback = playback.clone();
        use_effect_with(playback.revision, move |_| {
            on_timeline.emit(playback.timeline.to_scenario_json().to_string())
        });
    }
    {
        let on_cursor = props.on_cursor.clone();
        use_effect_with(cursor, move |cursor| on_cursor.emit(*cursor));
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with(
            (playback.playing, playback.speed),
            move |(playing, speed)| {
                let timer = playing.then(|| {
                    Interval::new(1000 / speed.max(&1), move || {
                        dispatch.emit(PlaybackAction::Tick)
                    })
                });
                move || drop(timer)
            },
        );
    }
    let keys_shown = use_state(|| false);
    {
        let (dispatch, keys_shown) = (dispatch.clone(), keys_shown.clone());
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(
                &gloo::utils::document(),
                "keydown",
                options,
                move |event| {
                    let event: &KeyboardEvent = event.unchecked_ref();
                    if event.key() == "Escape" {
                        keys_shown.set(false);
                        return;
                    }
                    if typing_somewhere(event)
                        || event.ctrl_key()
                        || event.meta_key()
                        || event.alt_key()
                    {
                        return;
                    }
                    let action = match event.key().as_str() {
                        "?" => {
                            keys_shown.set(true);
                            return;
                        }
                        "ArrowLeft" => PlaybackAction::Back,
                        "ArrowRight" => PlaybackAction::Forward,
                        " " => PlaybackAction::TogglePlay,
                        "Home" => PlaybackAction::ToStart,
                        "End" => PlaybackAction::ToEnd,
                        _ => return,
                    };
                    event.prevent_default();
                    dispatch.emit(action);
                },
            );
            move || drop(listener)
        });
    }

    let progress = use_context::<ProgressContext>();
    let host = use_context::<Option<HostLink>>().flatten();
    let open_panel = {
        let default = if props.lesson.is_some() {
            "code"
        } else {
            "actions"
        };
        use_state(move || {
            storage::get(OPEN_PANEL_KEY)
                .and_then(|id| PANELS.iter().find(|p| **p == id).copied())
                .unwrap_or(default)
        })
    };
    let state = timeline.state();
    let view = stage_at(timeline);
    let ledger = ledger_output(state);
    let groups = state.setup().groups.clone();
    let index = playback.index.clone();
    // Stable across renders, so the event log's entries can skip re-rendering.
    let on_jump = use_callback(playback.dispatcher(), |step, dispatcher| {
        dispatcher.dispatch(PlaybackAction::Jump(step))
    });
    // Graded on the learner's own timeline, so worked out again only when a fork or an undo changes it.
    let graded = {
        let (playback, lesson, script) = (
            playback.clone(),
            props.lesson.clone(),
            props.timeline.clone(),
        );
        use_memo(playback.revision, move |_| {
            lesson.map(|lesson| Grades::of(&lesson, &playback.timeline, &script))
        })
    };
    // Off the lesson's script (the learner's own steps from `left_at` on), the scripted narration and
    // questions would describe another run: the model's own sentences speak instead.
    let off_script = graded
        .as_ref()
        .as_ref()
        .and_then(|grades| grades.left_script_at)
        .filter(|left_at| cursor > *left_at);
    {
        // Play stops at every question and chapter end of the lesson's script, as far as the learner follows it.
        let dispatch = dispatch.clone();
        let lesson = props.lesson.clone();
        let left_at = graded
            .as_ref()
            .as_ref()
            .and_then(|grades| grades.left_script_at);
        use_effect_with((lesson, left_at), move |(lesson, left_at)| {
            let stops: Vec<usize> = lesson
                .iter()
                .flat_map(|lesson| {
                    let asked = lesson
                        .script
                        .iter()
                        .filter(|e| e.question.is_some())
                        .map(|e| e.at);
                    asked.chain(lesson.chapters.iter().map(|c| c.end))
                })
                .filter(|at| left_at.is_none_or(|left_at| *at <= left_at))
                .collect();
            dispatch.emit(PlaybackAction::SetStops(stops.into()))
        });
    }
    // The goal's solution in the palette's words, worked out (by replaying it) only once asked for.
    let solution = use_callback(props.lesson.clone(), |(), lesson| {
        let Some(solved) = lesson.as_ref().and_then(|lesson| lesson.solved().ok()) else {
            return Html::default();
        };
        let (names, flavor) = (solved.names(), solved.state().setup().flavor);
        let fork_at = lesson
            .as_ref()
            .map_or(0, |lesson| lesson.goal.solution.fork_at);
        let steps: Vec<String> = solved.steps()[fork_at..]
            .iter()
            .map(|step| action_label(&names, flavor, &step.action))
            .collect();
        html! { <p>{format!("At step {fork_at}: {}.", steps.join(" → "))}</p> }
    });
    let answered = Rc::new(
        progress
            .as_ref()
            .zip(props.lesson.as_ref())
            .map(|(p, lesson)| p.progress.lesson(&lesson.id).answers)
            .unwrap_or_default(),
    );
    let open = {
        let open = open_panel.clone();
        Callback::from(move |panel: &'static str| {
            storage::set(OPEN_PANEL_KEY, panel).ok();
            open.set(panel);
        })
    };
    // The question or goal of the moment, beside the stage.
    let ask = props.lesson.as_ref().zip(graded.as_ref().as_ref()).map(|(lesson, grades)| {
        let in_view = match off_script {
            Some(_) => Vec::new(),
            None => questions_in_view(lesson, cursor, state, |at| grades.right_choice(at)),
        };
        let right_choices: std::collections::BTreeMap<usize, usize> = in_view
            .iter()
            .filter(|(_, question)| cursor >= question.reveal_at)
            .filter_map(|(at, _)| grades.right_choice(*at).map(|right| (*at, right)))
            .collect();
        let shown = Rc::new(in_view.iter().map(|(at, _)| *at).collect::<Vec<_>>());
        let on_answer = {
            let (progress, host, lesson, graded) =
                (progress.clone(), host.clone(), lesson.clone(), graded.clone());
            Callback::from(move |(at, choice): (usize, usize)| {
                if let Some(progress) = &progress {
                    progress.dispatch(ProgressAction::Answered { lesson: lesson.id.clone(), at, choice });
                }
                if let Some(host) = &host {
                    let right = graded.as_ref().as_ref().and_then(|grades| grades.right_choice(at));
                    if let Some(event) = host_events::answered(&lesson, &host.base, at, choice, right) {
                        host.post(&event);
                    }
                }
            })
        };
        html! {
            <section class="lab-ask" aria-label="Question and goal" tabindex="0">
                <LessonQuestions lesson={lesson.clone()} cursor={cursor} answers={answered.clone()} {shown}
                                 right_choices={Rc::new(right_choices)} on_answer={on_answer} on_jump={on_jump.clone()} />
                // The goal closes the lesson: it shows in the last chapter, and wherever the learner acts.
                if off_script.is_some() || grades.goal_failure.is_none()
                    || lesson.chapter_at(cursor) + 1 == lesson.chapters.len() {
                    <GoalBanner text={lesson.goal.text.clone()} failure={grades.goal_failure.clone()}
                                hints={lesson.goal.hints.clone()} solution={solution.clone()} />
                }
                if let Some(design) = lesson.design.as_ref().filter(|_| lesson.chapter_at(cursor) + 1 == lesson.chapters.len()) {
                    <p class="design-pointer">
                        {"Then design it yourself: "}{&design.text}{" "}
                        <button class="button secondary" onclick={open.reform(|_: MouseEvent| "design")}>{"Design it"}</button>
                    </p>
                }
                {for chapter_end(lesson, cursor, off_script.is_none(), cursor == timeline.len(),
                                 dispatch.reform(|_| PlaybackAction::Forward))}
            </section>
        }
    });
    let code = props.lesson.as_ref().map(|lesson| {
        let current_line = cursor
            .checked_sub(1)
            .and_then(|i| timeline.step(i))
            .and_then(|step| {
                let names = timeline.names();
                lesson.line_of(
                    cursor,
                    actor_name(&names, &step.action).as_deref(),
                    &step.action,
                )
            });
        html! { <CodePanel code={lesson.code_at(cursor).0.clone()} current={current_line} /> }
    });
    // Real-cluster mode takes the timeline only when the learner asks for a run.
    let snapshot = {
        let playback = playback.clone();
        Callback::from(move |()| Snapshot::of(&playback.timeline, playback.revision))
    };
    let real_cluster = html! {
        <RealClusterPanel cursor={cursor} revision={playback.revision} snapshot={snapshot} />
    };
    let goal_reached = graded
        .as_ref()
        .as_ref()
        .map(|grades| grades.goal_failure.is_none());
    {
        // The learner's progress: how far they stepped, and a goal once reached stays reached. The host page
        // hears what this move achieved for the first time.
        let (progress, host, graded) = (progress.clone(), host.clone(), graded.clone());
        let lesson = props.lesson.clone();
        let id = lesson.as_ref().map(|lesson| lesson.id.clone());
        use_effect_with(
            (id, cursor, goal_reached),
            move |(_, cursor, goal_reached)| {
                let (Some(progress), Some(lesson)) = (progress, lesson) else {
                    return;
                };
                if let (Some(host), Some(grades)) = (&host, graded.as_ref()) {
                    let before = progress.progress.lesson(&lesson.id);
                    let reached = *goal_reached == Some(true);
                    let right = |at| grades.right_choice(at);
                    for event in host_events::progressed(
                        &lesson, &host.base, &before, *cursor, reached, right,
                    ) {
                        host.post(&event);
                    }
                }
                let id = lesson.id.clone();
                progress.dispatch(ProgressAction::Reached {
                    lesson: id.clone(),
                    step: *cursor,
                });
                if *goal_reached == Some(true) {
                    progress.dispatch(ProgressAction::GoalReached { lesson: id });
                }
            },
        );
    }
    let open_actions = {
        let open = open.clone();
        Callback::from(move |()| {
            open.emit("actions");
            // On a phone the panels sit under the stage: bring them into view.
            if let Some(tabs) = gloo::utils::document()
                .query_selector(".lab-tabs")
                .ok()
                .flatten()
            {
                tabs.scroll_into_view();
            }
        })
    };
    // The way back from the learner's own steps to the lesson, where they left it.
    let back_to_script = off_script.map(|left_at| {
        let (dispatch, script) = (dispatch.clone(), props.timeline.clone());
        (
            left_at,
            Callback::from(move |_: MouseEvent| {
                dispatch.emit(PlaybackAction::Restore {
                    timeline: script.clone(),
                    at: left_at,
                })
            }),
        )
    });
    // The way to the first problem meets the lesson's questions on the way first, so it skips no prediction.
    let problem_jump = playback.first_problem().map(|problem| {
        let question = props
            .lesson
            .as_ref()
            .filter(|_| off_script.is_none())
            .and_then(|lesson| {
                lesson
                    .script
                    .iter()
                    .filter(|entry| entry.question.is_some())
                    .map(|entry| entry.at)
                    .find(|at| cursor < *at && *at < problem.step && !answered.contains_key(at))
            });
        question.map_or(
            ProblemJump::Problem(problem.step),
            ProblemJump::QuestionFirst,
        )
    });
    let mut panels = Vec::new();
    // A lesson keeps the real cluster, a tool for engineers, folded under its code.
    let real_cluster = match code {
        Some(code) => {
            panels.push(Panel {
                id: "code",
                label: "Code",
                content: html! { <>{code}{run_on_real_kafka(real_cluster)}</> },
            });
            None
        }
        None => Some(real_cluster),
    };
    if let Some(lesson) = props.lesson.as_ref().filter(|l| l.design.is_some()) {
        let on_watch = dispatch.reform(|run: Rc<Timeline>| PlaybackAction::Restore {
            at: run.len(),
            timeline: run,
        });
        panels.push(Panel {
            id: "design",
            label: "Design it",
            content: html! { <DesignPanel lesson={lesson.clone()} {on_watch} /> },
        });
    }
    // In a lesson, on its script, the palette offers first the kinds of step the chapter ahead takes.
    let (actions, more) = match props.lesson.as_ref().filter(|_| off_script.is_none()) {
        Some(lesson) => {
            let chapter = lesson.chapter_at(cursor + 1);
            let steps = props.timeline.steps();
            let from = lesson.chapter_start(chapter).min(steps.len());
            let to = lesson.chapters[chapter].end.min(steps.len());
            let chapter_steps: Vec<_> = steps[from..to].iter().map(|s| s.action.clone()).collect();
            for_chapter(palette_actions(state), &chapter_steps)
        }
        None => (palette_actions(state), Vec::new()),
    };
    panels.push(Panel {
        id: "actions",
        label: "Actions",
        content: html! {
            <ActionPalette {actions} {more} forks={cursor < timeline.len()}
                           can_undo={playback.can_undo()}
                           on_act={dispatch.reform(PlaybackAction::Act)}
                           on_undo={dispatch.reform(|_| PlaybackAction::Undo)} />
        },
    });
    panels.push(Panel {
        id: "ledger",
        label: "Ledger",
        content: html! { <LedgerTable ledger={ledger.clone()} problems={index.problems.clone()} on_jump={on_jump.clone()} /> },
    });
    panels.push(Panel {
        id: "database",
        label: "Database",
        content: html! { <DatabaseTable ledger={ledger} groups={groups} /> },
    });
    panels.push(Panel {
        id: "events",
        label: "Event log",
        content: html! { <EventLog index={index.clone()} cursor={cursor} on_jump={on_jump} /> },
    });
    if let Some(content) = real_cluster {
        panels.push(Panel {
            id: "real",
            label: "Real cluster",
            content,
        });
    }
    panels.extend(props.panels.iter().cloned());
    // A remembered panel this page does not have (the code, in the sandbox) falls back to the first.
    let shown = panels
        .iter()
        .find(|p| p.id == *open_panel)
        .unwrap_or(&panels[0])
        .id;

    html! {
        <section class={classes!("player", "lab", props.lesson.is_some().then_some("with-lesson"),
                                 playback.animate.then_some("animate"))} aria-label="Player">
            {stage(&view, Some(&open_actions))}
            {narration(cursor, cursor.checked_sub(1).and_then(|i| index.lines.get(i)), props.lesson.as_deref(),
                       back_to_script.as_ref())}
            {for ask}
            <TimelineBar cursor={cursor} len={timeline.len()} playing={playback.playing} speed={playback.speed}
                         first_problem={problem_jump} on_action={dispatch.clone()}
                         on_help={{ let k = keys_shown.clone(); Callback::from(move |()| k.set(true)) }} />
            {lab_panels(&panels, shown, &open)}
            if *keys_shown {
                <KeyHelp on_close={{ let k = keys_shown.clone(); Callback::from(move |()| k.set(false)) }} />
            }
        </section>
    }
}

/// The same steps on a real broker, for whoever has one: what to start, then the switch.
fn run_on_real_kafka(panel: Html) -> Html {
    html! {
        <details class="real-run">
            <summary>{"Run this on a real Kafka"}</summary>
            <p class="muted">{"The lesson is the model of Kafka. To see the same steps on a real broker, start one \
                               (this project's tools/kafka/broker start, or your own cluster), start kafka-proxy \
                               with its address (cargo run --release -p kafka-proxy -- --bootstrap-servers \
                               HOST:PORT), then switch on the real cluster with the address and token it prints."}</p>
            {panel}
        </details>
    }
}

/// A lesson's grading on a timeline: the right choice of each question, as the timeline stands at the
/// question's reveal (by the question's step), whether the goal holds at the timeline's end, and where the
/// timeline leaves the lesson's script.
#[derive(PartialEq)]
struct Grades {
    right_choices: Vec<(usize, usize)>,
    /// What keeps the goal from being met at the timeline's end; `None` once it is.
    goal_failure: Option<String>,
    /// Steps applied before the first step that is not the script's.
    left_script_at: Option<usize>,
}

impl Grades {
    fn of(lesson: &Lesson, timeline: &Timeline, script: &Timeline) -> Self {
        let mut at = timeline.clone();
        let right_choices = lesson
            .script
            .iter()
            .filter_map(|entry| Some((entry.at, entry.question.as_ref()?)))
            .filter(|(_, question)| question.reveal_at <= timeline.len())
            .filter_map(|(step, question)| {
                at.jump(question.reveal_at);
                Some((step, *question.right_choices(at.state()).first()?))
            })
            .collect();
        at.jump(timeline.len());
        Self {
            right_choices,
            goal_failure: lesson.goal.failure(at.state()),
            // A run with other settings (a design's) leaves the script before its first step.
            left_script_at: if timeline.state().setup() != script.state().setup() {
                Some(0)
            } else {
                timeline
                    .steps()
                    .iter()
                    .zip(script.steps())
                    .position(|(mine, scripted)| mine.action != scripted.action)
                    .or_else(|| (timeline.len() > script.len()).then_some(script.len()))
            },
        }
    }

    /// The right choice of the question asked after `step` steps.
    fn right_choice(&self, step: usize) -> Option<usize> {
        self.right_choices
            .iter()
            .find(|(at, _)| *at == step)
            .map(|(_, right)| *right)
    }
}

/// Keys belong to the focused control when it uses them: a text field, the scrubber, a select or a panel tab
/// takes every key; a button, a link or a disclosure takes Space, which presses it.
fn typing_somewhere(event: &KeyboardEvent) -> bool {
    let Some(target) = event.target() else {
        return false;
    };
    let Ok(element) = target.dyn_into::<web_sys::Element>() else {
        return false;
    };
    let tag = element.tag_name();
    matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.has_attribute("contenteditable")
        // The panel tabs move between themselves with the arrow keys, Home and End.
        || element.get_attribute("role").as_deref() == Some("tab")
        || (event.key() == " " && matches!(tag.as_str(), "BUTTON" | "A" | "SUMMARY"))
}
