use std::cell::Cell;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use kafka_model::{parse_scenario, Timeline};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::{Panel, Player, SetupForm};
use crate::drawable;
use crate::file_io::{download, read_chosen_file, ReadSlot};
use crate::route::{self, Route};
use crate::share_link;

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

/// A scenario ready to play.
#[derive(Clone)]
struct Loaded {
    /// Identifies the scenario, so loading another starts a new player.
    key: String,
    timeline: Rc<Timeline>,
}

/// What the page shows for its address.
#[derive(Clone)]
enum Shown {
    /// A shared run whose code is still being unpacked (the browser's decompression is asynchronous).
    Opening,
    Run(Loaded),
    /// Why the address gives no run to play.
    Broken(String),
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
    let mut hasher = DefaultHasher::new();
    json.hash(&mut hasher);
    Ok(Loaded {
        key: format!("{:016x}", hasher.finish()),
        timeline: Rc::new(Timeline::from_scenario(&scenario)),
    })
}

/// What the page shows for a link's scenario JSON, or the problem with its code; and the editor's text: the
/// scenario, also when it cannot be played, so nothing of it is lost, or the starter when there is none.
fn shown_for(decoded: Result<String, String>) -> (Shown, String) {
    match decoded {
        Ok(json) => {
            let shown = match load_json(&json) {
                Ok(loaded) => Shown::Run(loaded),
                Err(NotLoaded::Invalid(e)) => {
                    Shown::Broken(format!("the shared run's scenario is invalid: {e}"))
                }
                Err(too_big) => Shown::Broken(format!("the shared run is {too_big}")),
            };
            (shown, pretty(&json))
        }
        Err(problem) => (Shown::Broken(problem), STARTER.to_string()),
    }
}

/// Takes a ticket for work that finishes later (unpacking a link, packing a run for the address): the work
/// applies its result only if no newer work started meanwhile and the page is still there.
fn next_ticket(tickets: &Cell<u32>) -> u32 {
    tickets.set(tickets.get().wrapping_add(1));
    tickets.get()
}

#[function_component]
pub fn Sandbox(props: &SandboxProps) -> Html {
    let shown = use_state(|| Shown::Opening);
    // The run code this page last wrote to the address bar: a route change to it is not a new link. `None`
    // while a changed run is being packed.
    let written = use_mut_ref(|| None::<String>);
    // The run as the player last told it, for the export.
    let scenario = use_mut_ref(|| None::<String>);
    // The player's step, for the address written once a run is packed.
    let cursor = use_memo((), |_| Cell::new(None::<u32>));
    let tickets = use_memo((), |_| Cell::new(0u32));
    let draft = use_state(|| STARTER.to_string());
    let error = use_state(|| None::<String>);
    let dirty = use_state(|| false);
    // A long run's address is kilobytes even compressed and writing it costs time, so while the learner
    // steps or scrubs it is written once they pause.
    let pending_address = use_mut_ref(|| None::<Timeout>);

    {
        let (shown, written, draft) = (shown.clone(), written.clone(), draft.clone());
        let (tickets, pending_address) = (tickets.clone(), pending_address.clone());
        use_effect_with((props.run.clone(), props.visit), move |(run, _)| {
            // Work still under way when another link comes or the page goes must not write over what follows.
            let later = tickets.clone();
            let cleanup = move || {
                next_ticket(&later);
            };
            // A run this page wrote itself is already playing; anything else is a link to open.
            let own = run.is_some() && *run == *written.borrow();
            if own {
                return cleanup;
            }
            let ticket = next_ticket(&tickets);
            // A pause in the run being left must not write it over the link.
            pending_address.borrow_mut().take();
            let show = {
                let shown = shown.clone();
                move |decoded| {
                    let (next, text) = shown_for(decoded);
                    draft.set(text);
                    shown.set(next);
                }
            };
            match run
                .as_deref()
                .map(|code| (code, share_link::decode_now(code)))
            {
                None => show(Ok(STARTER.to_string())),
                Some((_, Some(decoded))) => show(decoded),
                Some((code, None)) => {
                    shown.set(Shown::Opening);
                    let code = code.to_string();
                    spawn_local(async move {
                        let decoded = share_link::decode(&code).await;
                        if tickets.get() == ticket {
                            show(decoded);
                        }
                    });
                }
            }
            cleanup
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

    // The run as first played: acting on it (a fork) makes the sandbox worth a warning before leaving.
    let baseline = use_mut_ref(|| None::<String>);
    let on_timeline = {
        let (written, scenario, dirty, baseline) = (
            written.clone(),
            scenario.clone(),
            dirty.clone(),
            baseline.clone(),
        );
        let (cursor, tickets) = (cursor.clone(), tickets.clone());
        Callback::from(move |json: String| {
            let first = baseline.borrow().as_ref().map(|first| *first == json);
            match first {
                Some(false) => dirty.set(true),
                Some(true) => {}
                None => *baseline.borrow_mut() = Some(json.clone()),
            }
            *scenario.borrow_mut() = Some(json.clone());
            // Packing takes a moment: until it is done, a pause writes nothing rather than the old run.
            written.borrow_mut().take();
            let ticket = next_ticket(&tickets);
            let (written, cursor, tickets) = (written.clone(), cursor.clone(), tickets.clone());
            spawn_local(async move {
                let code = share_link::encode(&json).await;
                if tickets.get() != ticket {
                    return;
                }
                *written.borrow_mut() = Some(code.clone());
                route::replace(&Route::Sandbox {
                    run: Some(code),
                    step: cursor.get().unwrap_or_else(current_step),
                });
            });
        })
    };
    let on_cursor = {
        let (written, pending_address) = (written.clone(), pending_address.clone());
        Callback::from(move |step: usize| {
            let step = step as u32;
            cursor.set(Some(step));
            let written = written.clone();
            *pending_address.borrow_mut() = Some(Timeout::new(150, move || {
                if let Some(run) = written.borrow().clone() {
                    route::replace(&Route::Sandbox {
                        run: Some(run),
                        step,
                    });
                }
            }));
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
        let (draft, shown, error) = (draft.clone(), shown.clone(), error.clone());
        let (dirty, baseline) = (dirty.clone(), baseline.clone());
        Callback::from(
            move |(json, source): (String, Option<String>)| match load_json(&json) {
                Ok(next) => {
                    error.set(None);
                    draft.set(json);
                    shown.set(Shown::Run(next));
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
        let scenario = scenario.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(json) = &*scenario.borrow() {
                download("kafka-scenario.json", &pretty(json));
            }
        })
    };

    // The set-up form, the scenario as JSON and its files: a panel of the player, or the page's own when the
    // address holds no playable run.
    let scenario_panel = html! {
        <div class="scenario-panel">
            <SetupForm on_start={on_setup} />
            <details class="scenario-editor" open={matches!(*shown, Shown::Broken(_))}>
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
    let body = match &*shown {
        Shown::Opening => html! {
            if props.run.is_some() {
                <p class="notice" role="status">{"Opening the shared run…"}</p>
            }
        },
        Shown::Run(loaded) => {
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
        Shown::Broken(problem) => html! {
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
