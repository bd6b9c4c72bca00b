use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use kafka_model::{parse_scenario, Timeline};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{Panel, Player, SetupForm};
use crate::drawable;
use crate::file_io::{download, read_chosen_file, ReadSlot};
use crate::route::{self, Route};
use crate::share_code;

/// The scenario the sandbox opens with: the contract's example, a crash after processing and before commit.
pub const STARTER: &str = r#"{
  "title": "At-least-once: crash after processing, before commit",
  "flavor": "kafka-python",
  "seed": 7,
  "topics": [{ "name": "orders", "partitions": 1, "replication.factor": 1 }],
  "producers": [
    { "id": "producer", "config": { "enable.idempotence": true, "acks": "all" } }
  ],
  "consumers": [
    { "id": "worker", "subscribe": ["orders"],
      "config": { "group.id": "order-processor-v2", "enable.auto.commit": false,
                  "auto.offset.reset": "earliest", "isolation.level": "read_committed", "max.poll.records": 1 } }
  ],
  "steps": [
    { "actor": "producer", "op": "send", "topic": "orders", "value": "{\"order_id\": 0, \"item\": \"widget\"}" },
    { "actor": "producer", "op": "flush" },
    { "actor": "worker", "op": "poll" },
    { "actor": "worker", "op": "process" },
    { "actor": "worker", "op": "crash" },
    { "op": "advance", "ms": 45000 },
    { "actor": "worker", "op": "restart" },
    { "actor": "worker", "op": "poll" }
  ]
}
"#;

#[derive(Properties, PartialEq)]
pub struct SandboxProps {
    /// A shared run from the address bar.
    pub run: Option<String>,
    pub step: u32,
    /// Counts navigations, so going to the same step again moves the player there.
    pub visit: u32,
}

/// A scenario ready to play, or why the address or the file could not give one.
#[derive(Clone)]
struct Loaded {
    /// Identifies the scenario, so loading another starts a new player.
    key: String,
    json: String,
    timeline: Rc<Timeline>,
}

/// A scenario the model refuses, or one too big to draw.
enum NotLoaded {
    Invalid(String),
    TooBig(String),
}

impl std::fmt::Display for NotLoaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotLoaded::Invalid(problem) => write!(f, "{problem}"),
            NotLoaded::TooBig(problem) => write!(f, "too big for the lab: {problem}"),
        }
    }
}

fn load_json(json: &str) -> Result<Loaded, NotLoaded> {
    let scenario = parse_scenario(json).map_err(|e| NotLoaded::Invalid(e.to_string()))?;
    drawable::check(&scenario).map_err(NotLoaded::TooBig)?;
    Ok(Loaded {
        key: share_code::encode(json),
        json: json.to_string(),
        timeline: Rc::new(Timeline::from_scenario(&scenario)),
    })
}

fn load_run(run: Option<&str>) -> Result<Loaded, String> {
    match run {
        None => load_json(STARTER).map_err(|e| e.to_string()),
        Some(code) => {
            let json = share_code::decode(code)?;
            load_json(&json).map_err(|e| match e {
                NotLoaded::Invalid(e) => format!("the shared run's scenario is invalid: {e}"),
                too_big => format!("the shared run is {too_big}"),
            })
        }
    }
}

#[function_component]
pub fn Sandbox(props: &SandboxProps) -> Html {
    let loaded = use_state(|| load_run(props.run.as_deref()));
    // The run code this page last wrote to the address bar: a route change to it is not a new link.
    let written = use_mut_ref(|| None::<String>);
    let draft = use_state(|| draft_of(&loaded, props.run.as_deref()));
    let error = use_state(|| None::<String>);
    let dirty = use_state(|| false);

    {
        let (loaded, written, draft) = (loaded.clone(), written.clone(), draft.clone());
        use_effect_with((props.run.clone(), props.visit), move |(run, _)| {
            // A run this page wrote itself is already playing; anything else is a link to open.
            let own = run.is_some() && *run == *written.borrow();
            if !own {
                let next = load_run(run.as_deref());
                draft.set(draft_of(&next, run.as_deref()));
                loaded.set(next);
            }
        });
    }
    {
        // Leaving with a changed run asks first; the address bar holds the run, so a bookmark keeps it.
        use_effect_with(*dirty, |dirty| {
            let listener = dirty.then(|| {
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(
                    &gloo::utils::window(),
                    "beforeunload",
                    options,
                    |event| {
                        event.prevent_default();
                        if let Some(event) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                            event.set_return_value("You changed this sandbox run. Leave anyway?");
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    let run_code = |written: &std::cell::RefCell<Option<String>>| written.borrow().clone();
    // The run as first played: acting on it (a fork) makes the sandbox worth a warning before leaving.
    let baseline = use_mut_ref(|| None::<String>);
    let on_timeline = {
        let (written, dirty, baseline) = (written.clone(), dirty.clone(), baseline.clone());
        Callback::from(move |json: String| {
            let code = share_code::encode(&json);
            let first = baseline
                .borrow_mut()
                .get_or_insert_with(|| code.clone())
                .clone();
            if code != first {
                dirty.set(true);
            }
            *written.borrow_mut() = Some(code.clone());
            let step = current_step();
            route::replace(&Route::Sandbox {
                run: Some(code),
                step,
            });
        })
    };
    // A run's address can be tens of kilobytes and writing it costs milliseconds, so while the learner
    // steps or scrubs it is written once they pause.
    let pending_address = use_mut_ref(|| None::<Timeout>);
    let on_cursor = {
        let written = written.clone();
        Callback::from(move |step: usize| {
            let route = Route::Sandbox {
                run: run_code(&written),
                step: step as u32,
            };
            *pending_address.borrow_mut() = Some(Timeout::new(150, move || route::replace(&route)));
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = event.target_unchecked_into();
            draft.set(area.value());
        })
    };
    // A scenario the learner chose (set-up form, editor, file): played from the start, or refused with the
    // model's error, changing nothing. `source` names the file it came from.
    let start = {
        let (draft, loaded, error) = (draft.clone(), loaded.clone(), error.clone());
        let (dirty, baseline) = (dirty.clone(), baseline.clone());
        Callback::from(
            move |(json, source): (String, Option<String>)| match load_json(&json) {
                Ok(next) => {
                    error.set(None);
                    draft.set(json);
                    loaded.set(Ok(next));
                    baseline.borrow_mut().take();
                    dirty.set(true);
                }
                Err(problem) => error.set(Some(match source {
                    Some(name) => format!("{name}: {problem}"),
                    None => problem.to_string(),
                })),
            },
        )
    };
    let on_setup = {
        let (start, error) = (start.clone(), error.clone());
        Callback::from(move |built: Result<String, String>| match built {
            Ok(json) => start.emit((json, None)),
            Err(problem) => error.set(Some(problem)),
        })
    };
    let on_run = {
        let (draft, start) = (draft.clone(), start.clone());
        Callback::from(move |_: MouseEvent| start.emit(((*draft).clone(), None)))
    };
    let reader: ReadSlot = use_mut_ref(|| None);
    let on_import = {
        let error = error.clone();
        Callback::from(move |event: Event| {
            let (start, error) = (start.clone(), error.clone());
            read_chosen_file(event, &reader, move |name, text| match text {
                Ok(json) => start.emit((json, Some(name))),
                Err(problem) => error.set(Some(format!("{name}: {problem}"))),
            });
        })
    };
    let on_export = {
        let written = written.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(json) = run_code(&written).and_then(|code| share_code::decode(&code).ok()) {
                download("kafka-scenario.json", &pretty(&json));
            }
        })
    };

    // The set-up form, the scenario as JSON and its files: a panel of the player, or the page's own when the
    // address holds no playable run.
    let scenario_panel = html! {
        <div class="scenario-panel">
            <SetupForm on_start={on_setup} />
            <details class="scenario-editor" open={loaded.is_err()}>
                <summary>{"Scenario (JSON)"}</summary>
                <label for="scenario-json" class="visually-hidden">{"Scenario JSON"}</label>
                <textarea id="scenario-json" spellcheck="false" rows="18" value={(*draft).clone()} oninput={on_input} />
                <div class="progress-actions">
                    <button class="button" onclick={on_run}>{"Run this scenario"}</button>
                    <button class="button secondary" onclick={on_export}>{"Export the run as a scenario file"}</button>
                    <label class="button secondary file-button">
                        {"Import a scenario file"}
                        <input type="file" accept=".json,application/json" class="visually-hidden" onchange={on_import} />
                    </label>
                </div>
                if let Some(problem) = &*error {
                    <p class="notice error" role="alert">{format!("The scenario was not loaded: {problem}")}</p>
                }
            </details>
        </div>
    };
    let body = match &*loaded {
        Ok(loaded) => {
            let panels = vec![Panel {
                id: "scenario",
                label: "Scenario",
                content: scenario_panel,
            }];
            html! {
                <Player key={loaded.key.clone()} timeline={loaded.timeline.clone()} start_at={props.step as usize}
                        visit={props.visit} {on_cursor} {on_timeline} {panels} />
            }
        }
        Err(problem) => html! {
            <>
                <div class="notice error" role="alert">
                    <p>{format!("This sandbox link cannot be opened: {problem}.")}</p>
                    <p>
                        <a href={Route::Sandbox { run: None, step: 0 }.to_hash()}>{"Open a fresh sandbox"}</a>
                        {" or "}<a href={Route::Home.to_hash()}>{"go to the course home"}</a>{"."}
                    </p>
                </div>
                {scenario_panel}
            </>
        },
    };

    html! {
        <section class="sandbox" aria-labelledby="sandbox-title">
            <header class="lab-head">
                <h1 id="sandbox-title">{"Sandbox"}</h1>
                <p class="lead">
                    {"Set up topics, producers and consumers, step through them and break things on purpose (the \
                      Actions and Scenario panels). The address bar always holds your run: copy it to share this \
                      exact moment."}
                </p>
            </header>
            {body}
        </section>
    }
}

/// The editor's text for what a link gave: the run's scenario, also when it cannot be played, so nothing of it
/// is lost; the starter when the link holds none.
fn draft_of(loaded: &Result<Loaded, String>, run: Option<&str>) -> String {
    match loaded {
        Ok(loaded) => pretty(&loaded.json),
        Err(_) => run
            .and_then(|code| share_code::decode(code).ok())
            .map_or_else(|| STARTER.to_string(), |json| pretty(&json)),
    }
}

fn current_step() -> u32 {
    match Route::from_hash(&gloo::utils::window().location().hash().unwrap_or_default()) {
        Route::Sandbox { step, .. } => step,
        _ => 0,
    }
}

/// Indented for reading; a scenario that is already laid out keeps its own layout.
fn pretty(json: &str) -> String {
    // A long run stays on one line: indenting would triple the text the editor lays out.
    if json.contains('\n') || json.len() > 64 * 1024 {
        return json.to_string();
    }
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| json.to_string())
}
