//! The lesson's design goal: the learner picks how the loop is written, the model tries it with a crash
//! before every call it makes, and the first run that misses the goal can be watched on the stage.

use std::rc::Rc;

use kafka_model::design::Trial;
use kafka_model::lesson::Lesson;
use kafka_model::Timeline;
use yew::prelude::*;

use crate::action_label::action_label;
use crate::components::Hints;
use crate::rules::prose;

#[derive(Properties, PartialEq)]
pub struct DesignPanelProps {
    pub lesson: Rc<Lesson>,
    /// Plays a run on the stage.
    pub on_watch: Callback<Rc<Timeline>>,
}

/// A trial, in words.
#[derive(Clone)]
enum Verdict {
    Passed {
        runs: usize,
        replayed: bool,
    },
    Failed {
        runs: usize,
        replayed: bool,
        crash: Option<String>,
        problem: String,
        run: Rc<Timeline>,
    },
    /// The design could not be tried (a broken lesson file).
    Broken(String),
}

impl Verdict {
    fn of(trial: Result<Trial, String>, replayed: bool) -> Self {
        let trial = match trial {
            Ok(trial) => trial,
            Err(problem) => return Verdict::Broken(problem),
        };
        match trial.failed {
            None => Verdict::Passed {
                runs: trial.runs,
                replayed,
            },
            Some(failed) => {
                let state = failed.timeline.state();
                let crash = failed.crash_before.map(|(call, action)| {
                    let label = action_label(&state.names(), state.setup().flavor, &action);
                    format!("a crash just before call {call} of the loop ({label})")
                });
                Verdict::Failed {
                    runs: trial.runs,
                    replayed,
                    crash,
                    problem: failed.problem,
                    run: Rc::new(failed.timeline),
                }
            }
        }
    }
}

#[function_component]
pub fn DesignPanel(props: &DesignPanelProps) -> Html {
    let Some(design) = props.lesson.design.as_ref() else {
        return Html::default();
    };
    let choices = use_state(|| vec![None::<usize>; design.slots.len()]);
    let verdict = use_state(|| None::<Verdict>);

    let slots = design.slots.iter().enumerate().map(|(s, slot)| {
        let name = format!("design-{}", slot.id);
        html! {
            <fieldset class="design-slot">
                <legend>{&slot.prompt}</legend>
                { for slot.choices.iter().enumerate().map(|(c, choice)| {
                    let checked = choices[s] == Some(c);
                    let (choices, verdict) = (choices.clone(), verdict.clone());
                    let onchange = Callback::from(move |_: Event| {
                        let mut next = (*choices).clone();
                        next[s] = Some(c);
                        choices.set(next);
                        verdict.set(None);
                    });
                    html! {
                        <label class="design-choice">
                            <input type="radio" name={name.clone()} {checked} {onchange} />
                            <code>{&choice.code}</code>
                        </label>
                    }
                }) }
            </fieldset>
        }
    });
    let chosen: Option<Vec<usize>> = choices.iter().copied().collect();
    let on_try = {
        let (lesson, verdict) = (props.lesson.clone(), verdict.clone());
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(design), Some(chosen)) = (lesson.design.as_ref(), chosen.as_ref()) else {
                return;
            };
            let trial = design.trial(&lesson, chosen);
            verdict.set(Some(Verdict::of(trial, design.replays())));
        })
    };
    let crashes = design.crashes;
    let result = (*verdict).clone().map(|verdict| match verdict {
        Verdict::Passed { replayed: true, .. } => html! {
            <p class="design-result passed" role="status">
                {"✔ Your settings hold: the lesson's steps, played with them, meet the goal."}
            </p>
        },
        Verdict::Passed { runs: 1, .. } => html! {
            <p class="design-result passed" role="status">
                {"✔ Your design holds: the model ran the loop and it meets the goal."}
            </p>
        },
        Verdict::Passed { runs, .. } => html! {
            <p class="design-result passed" role="status">
                {format!("✔ Your design holds. The model ran it {runs} times: once as it is, then with a crash \
                          before each call the loop makes; every run meets the goal.")}
            </p>
        },
        Verdict::Failed { runs, replayed, crash, problem, run } => {
            let said = match (replayed, crash) {
                (true, _) => format!("✘ With these settings, {problem}."),
                (false, None) if !crashes => format!("✘ With this design, {problem}."),
                (false, None) => format!("✘ Even without a crash, {problem}. (Run 1 of the trial.)"),
                (false, Some(crash)) => format!("✘ With {crash}, {problem}. (Run {runs} of the trial.)"),
            };
            let on_watch = props.on_watch.reform(move |_: MouseEvent| run.clone());
            html! {
                <div class="design-result failed" role="status">
                    <p>{said}</p>
                    <button class="button secondary" onclick={on_watch}>{"Watch this run on the stage"}</button>
                </div>
            }
        }
        Verdict::Broken(problem) => html! {
            <p class="notice error" role="alert">{format!("This design cannot be tried: {problem}")}</p>
        },
    });
    let solution = {
        let lesson = props.lesson.clone();
        Callback::from(move |()| {
            let Some(design) = lesson.design.as_ref() else {
                return Html::default();
            };
            let chosen = design.slots.iter().zip(&design.solution).map(|(slot, c)| {
                html! { <li>{format!("{} ", slot.prompt)}<code>{&slot.choices[*c].code}</code></li> }
            });
            html! { <ul>{ for chosen }</ul> }
        })
    };
    html! {
        <section class="design-panel" aria-labelledby="design-title">
            <h3 id="design-title">{"Design it"}</h3>
            <p class="design-goal">{prose(&design.text)}</p>
            <p class="muted">{ if design.replays() {
                "Choose the settings. The model plays the lesson's steps with them and checks the goal."
            } else if !design.crashes {
                "Choose how the loop is written. The model runs it and checks the goal."
            } else {
                "Choose how the loop is written. The model then tries it with a crash before every call the loop \
                 makes, and shows the first run that misses the goal."
            } }</p>
            { for slots }
            <button class="button" onclick={on_try} disabled={chosen.is_none()}>{"Try my design"}</button>
            { for result }
            <Hints hints={design.hints.clone()} {solution} />
        </section>
    }
}
