//! The player: the model's state at the cursor drawn as a stage, the timeline controls, the action palette,
//! the database, the ledger and the event log. Timers, keys and the address bar are effects here.

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Interval;
use kafka_model::lesson::Lesson;
use kafka_model::output::{actor_name, ledger_output};
use kafka_model::Timeline;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::action_palette::palette_actions;
use crate::components::lesson_guide::shown_questions;
use crate::components::{
    ActionPalette, CodePanel, ConsumerCard, DatabaseTable, EventLog, GoalBanner, LedgerTable,
    LessonGuide, PartitionLog, ProducerCard, RealClusterPanel, TimelineBar, TransactionDiagram,
};
use crate::live::model_run::Snapshot;
use crate::playback::{Playback, PlaybackAction};
use crate::progress::{ProgressAction, ProgressContext};
use crate::stage::stage_at;

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
}

impl PartialEq for PlayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.start_at == other.start_at
            && self.visit == other.visit
            && self.on_cursor == other.on_cursor
            && self.on_timeline == other.on_timeline
            && self.lesson == other.lesson
    }
}

/// A flush of hundreds of records is hundreds of sentences: the step's summary (read aloud by the live
/// region) shows the first few.
const NOW_SENTENCES: usize = 8;

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
        use_effect_with(props.start_at, move |step| {
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
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(
                &gloo::utils::document(),
                "keydown",
                options,
                move |event| {
                    let event: &KeyboardEvent = event.unchecked_ref();
                    if typing_somewhere(event)
                        || event.ctrl_key()
                        || event.meta_key()
                        || event.alt_key()
                    {
                        return;
                    }
                    let action = match event.key().as_str() {
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
    let state = timeline.state();
    let stage = stage_at(timeline);
    let ledger = ledger_output(state);
    let groups = state.setup().groups.clone();
    let index = playback.index.clone();
    // Stable across renders, so the event log's entries can skip re-rendering.
    let on_jump = use_callback(playback.dispatcher(), |step, dispatcher| {
        dispatcher.dispatch(PlaybackAction::Jump(step))
    });
    let now = match cursor.checked_sub(1).and_then(|i| index.lines.get(i)) {
        Some(line) => html! {
            <>
                <p class="now-label">
                    <span class="now-step">{format!("Step {cursor}")}</span>{" "}{&line.label}
                    if let Some(error) = &line.error {
                        {" "}<span class="event-error">{format!("failed: {error}")}</span>
                    }
                </p>
                <ul>{ for line.sentences.iter().take(NOW_SENTENCES).map(|s| html! { <li>{s}</li> }) }</ul>
                if line.sentences.len() > NOW_SENTENCES {
                    <p class="muted">{format!("… and {} more: every one is in the event log below.",
                                              line.sentences.len() - NOW_SENTENCES)}</p>
                }
            </>
        },
        None => {
            html! { <p class="now-label">{"The start: nothing has happened yet. Step forward to begin."}</p> }
        }
    };

    // Graded on the learner's own timeline, so worked out again only when a fork or an undo changes it.
    let graded = {
        let (playback, lesson) = (playback.clone(), props.lesson.clone());
        use_memo(playback.revision, move |_| {
            lesson.map(|lesson| Grades::of(&lesson, &playback.timeline))
        })
    };
    let lesson_area = props.lesson.as_ref().zip(graded.as_ref().as_ref()).map(|(lesson, grades)| {
        let right_choices: std::collections::BTreeMap<usize, usize> = shown_questions(lesson, cursor)
            .into_iter()
            .filter(|(_, question)| cursor >= question.reveal_at)
            .filter_map(|(at, _)| grades.right_choice(at).map(|right| (at, right)))
            .collect();
        let answers = Rc::new(
            progress
                .as_ref()
                .map(|p| p.progress.lesson(&lesson.id).answers)
                .unwrap_or_default(),
        );
        let on_answer = {
            let progress = progress.clone();
            let id = lesson.id.clone();
            Callback::from(move |(at, choice): (usize, usize)| {
                if let Some(progress) = &progress {
                    progress.dispatch(ProgressAction::Answered { lesson: id.clone(), at, choice });
                }
            })
        };
        let current_line = cursor.checked_sub(1).and_then(|i| timeline.step(i)).and_then(|step| {
            let names = timeline.names();
            lesson.line_of(cursor, actor_name(&names, &step.action).as_deref(), &step.action)
        });
        let code = lesson.code_at(cursor).0.clone();
        html! {
            <div class="lesson-area">
                <LessonGuide lesson={lesson.clone()} cursor={cursor} answers={answers}
                             right_choices={Rc::new(right_choices)} on_answer={on_answer} on_jump={on_jump.clone()} />
                <CodePanel code={code} current={current_line} />
            </div>
        }
    });
    let goal_reached = graded.as_ref().as_ref().map(|grades| grades.goal_reached);
    {
        // The learner's progress: how far they stepped, and a goal once reached stays reached.
        let progress = progress.clone();
        let id = props.lesson.as_ref().map(|lesson| lesson.id.clone());
        use_effect_with(
            (id, cursor, goal_reached),
            move |(id, cursor, goal_reached)| {
                if let (Some(progress), Some(id)) = (progress, id) {
                    progress.dispatch(ProgressAction::Reached {
                        lesson: id.clone(),
                        step: *cursor,
                    });
                    if *goal_reached == Some(true) {
                        progress.dispatch(ProgressAction::GoalReached { lesson: id.clone() });
                    }
                }
            },
        );
    }
    let goal = props
        .lesson
        .as_ref()
        .zip(goal_reached)
        .map(|(lesson, reached)| {
            html! { <GoalBanner text={lesson.goal.text.clone()} {reached} /> }
        });

    // Real-cluster mode takes the timeline only when the learner asks for a run.
    let snapshot = {
        let playback = playback.clone();
        Callback::from(move |()| Snapshot::of(&playback.timeline, playback.revision))
    };

    html! {
        <section class="player" aria-label="Player">
            <TimelineBar cursor={cursor} len={timeline.len()} playing={playback.playing} speed={playback.speed}
                         first_problem={playback.first_problem().map(|p| p.step)} on_action={dispatch.clone()} />
            <div class="now" aria-live="polite" aria-atomic="true">{now}</div>
            {for lesson_area}
            <div class="stage">
                <section class="stage-clients" aria-label="Producers">
                    { for stage.producers.iter().map(|p| html! { <ProducerCard producer={p.clone()} /> }) }
                </section>
                <section class="stage-logs" aria-label="Partitions">
                    { for stage.partitions.iter().map(|p| html! { <PartitionLog partition={p.clone()} /> }) }
                </section>
                <section class="stage-clients" aria-label="Consumers">
                    { for stage.consumers.iter().map(|c| html! { <ConsumerCard consumer={c.clone()} /> }) }
                </section>
            </div>
            if !stage.transactions.is_empty() {
                <div class="coordinators">
                    { for stage.transactions.iter().map(|t| html! { <TransactionDiagram transaction={t.clone()} /> }) }
                </div>
            }
            <div class="panels">
                <DatabaseTable ledger={ledger.clone()} groups={groups} />
                <LedgerTable ledger={ledger} problems={index.problems.clone()} on_jump={on_jump.clone()} />
            </div>
            {for goal}
            <RealClusterPanel cursor={cursor} revision={playback.revision} snapshot={snapshot} />
            <ActionPalette actions={palette_actions(state)} forks={cursor < timeline.len()}
                           can_undo={playback.can_undo()}
                           on_act={dispatch.reform(PlaybackAction::Act)}
                           on_undo={dispatch.reform(|_| PlaybackAction::Undo)} />
            <h3>{"Event log"}</h3>
            <EventLog index={index} cursor={cursor} on_jump={on_jump} />
        </section>
    }
}

/// A lesson's grading on a timeline: the right choice of each question, as the timeline stands at the
/// question's reveal (by the question's step), and whether the goal holds at the timeline's end.
#[derive(PartialEq)]
struct Grades {
    right_choices: Vec<(usize, usize)>,
    goal_reached: bool,
}

impl Grades {
    fn of(lesson: &Lesson, timeline: &Timeline) -> Self {
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
            goal_reached: lesson.goal.reached(at.state()),
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

/// Keys belong to the focused control when it uses them: a text field, the scrubber or a select takes every
/// key; a button, a link or a disclosure takes Space, which presses it.
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
        || (event.key() == " " && matches!(tag.as_str(), "BUTTON" | "A" | "SUMMARY"))
}
