//! The "Real cluster" switch under the player: connect to `kafka-proxy`, run the steps up to the cursor on a
//! real Kafka cluster, and show its state beside the model's. Off by default; while off nothing here touches the
//! network and the course is the model alone. The requests run in callbacks; `live::state` stays pure.

use std::rc::Rc;

use kafka_model::compare::compare;
use yew::prelude::*;

use crate::components::StateComparison;
use crate::live::model_run::Snapshot;
use crate::live::proxy_client::{self, ProxyError};
use crate::live::settings;
use crate::live::state::{Connection, LiveAction, LiveResult, LiveState, RunStatus};

#[derive(Properties, PartialEq)]
pub struct RealClusterPanelProps {
    /// The player's cursor and timeline revision, to tell when a shown run is out of date.
    pub cursor: usize,
    pub revision: u32,
    /// The timeline as it is now, taken only when the learner asks for a run.
    pub snapshot: Callback<(), Snapshot>,
}

type Live = UseReducerHandle<LiveState>;

/// Health check; on success, optionally run `then` (a run after "Retry").
fn connect(live: &Live, then: Option<Snapshot>) {
    let live = live.clone();
    let request = live.next_request();
    let (address, token) = (live.address.clone(), live.token.clone());
    live.dispatch(LiveAction::Connecting { request });
    wasm_bindgen_futures::spawn_local(async move {
        match proxy_client::health(&address, &token).await {
            Ok(health) => {
                // Remembered once they work, so a mistyped token is not kept.
                let remembered = settings::save(&address, &token);
                live.dispatch(LiveAction::Connected {
                    request,
                    health,
                    remembered,
                });
                if let Some(snapshot) = then {
                    run(&live, request + 1, address, token, snapshot);
                }
            }
            Err(error) => live.dispatch(LiveAction::ConnectFailed { request, error }),
        }
    });
}

fn run(live: &Live, request: u32, address: String, token: String, snapshot: Snapshot) {
    let live = live.clone();
    live.dispatch(LiveAction::Running {
        request,
        steps: snapshot.steps,
    });
    wasm_bindgen_futures::spawn_local(async move {
        match proxy_client::run(&address, &token, snapshot.scenario).await {
            Ok(real) => {
                let result = LiveResult {
                    steps: snapshot.steps,
                    revision: snapshot.revision,
                    comparison: compare(&snapshot.model, &real),
                    model: snapshot.model,
                    real,
                };
                live.dispatch(LiveAction::Ran {
                    request,
                    result: Rc::new(result),
                });
            }
            Err(error) => live.dispatch(LiveAction::RunFailed { request, error }),
        }
    });
}

fn steps_text(steps: usize) -> String {
    match steps {
        0 => "the set-up (no steps yet)".to_string(),
        1 => "step 1".to_string(),
        n => format!("steps 1–{n}"),
    }
}

#[function_component]
pub fn RealClusterPanel(props: &RealClusterPanelProps) -> Html {
    let live = use_reducer(|| LiveState::new(settings::saved_address(), settings::saved_token()));

    let on_switch = {
        let live = live.clone();
        Callback::from(move |_: MouseEvent| live.dispatch(LiveAction::SetEnabled(!live.enabled)))
    };
    let switch = html! {
        <button type="button" role="switch" class={classes!("switch", live.enabled.then_some("on"))}
                aria-checked={live.enabled.to_string()} onclick={on_switch}>
            <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
            {"Real cluster"}
        </button>
    };
    if !live.enabled {
        return html! {
            <section class="real-cluster" aria-label="Real cluster">
                <div class="real-cluster-head">
                    {switch}
                    <span class="muted">{"Off: everything on this page is the model."}</span>
                </div>
            </section>
        };
    }

    let on_address = {
        let live = live.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            live.dispatch(LiveAction::SetAddress(input.value()));
        })
    };
    let on_token = {
        let live = live.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            live.dispatch(LiveAction::SetToken(input.value()));
        })
    };
    let on_connect = {
        let live = live.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            connect(&live, None);
        })
    };
    let on_run = {
        let (live, snapshot) = (live.clone(), props.snapshot.clone());
        Callback::from(move |_: MouseEvent| {
            let request = live.next_request();
            run(
                &live,
                request,
                live.address.clone(),
                live.token.clone(),
                snapshot.emit(()),
            );
        })
    };
    // Retry does what failed again: a run checks the proxy first, then runs the steps at the cursor now.
    let on_retry = {
        let (live, snapshot) = (live.clone(), props.snapshot.clone());
        Callback::from(move |_: MouseEvent| {
            let again = matches!(live.run, RunStatus::Failed { .. }).then(|| snapshot.emit(()));
            connect(&live, again);
        })
    };

    let busy = live.busy();
    let status = match (&live.connection, &live.run) {
        (_, RunStatus::Running { steps }) => {
            format!("Running {} on the real cluster…", steps_text(*steps))
        }
        (_, RunStatus::Done(result)) if result.comparison.identical() => format!(
            "Ran {} on the real cluster: identical to the model.",
            steps_text(result.steps)
        ),
        (_, RunStatus::Done(result)) => format!(
            "Ran {} on the real cluster: {} from the model.",
            steps_text(result.steps),
            plural(result.comparison.differences().count(), "difference")
        ),
        (_, RunStatus::Failed { steps, .. }) => {
            format!("Running {} on the real cluster failed.", steps_text(*steps))
        }
        (Connection::NotConnected, _) => {
            "Not connected. Start kafka-proxy, then connect with its address and token.".to_string()
        }
        (Connection::Connecting, _) => format!("Connecting to {}…", live.address.trim()),
        (Connection::Connected(health), _) => format!(
            "Connected to {} at {}; the Kafka cluster at {} answers.",
            if health.proxy.is_empty() {
                "kafka-proxy"
            } else {
                &health.proxy
            },
            live.address.trim(),
            health.bootstrap
        ),
        (Connection::Failed(_), _) => "Not connected.".to_string(),
    };
    let problem: Option<&ProxyError> = match (&live.run, &live.connection) {
        (RunStatus::Failed { error, .. }, _) => Some(error),
        (_, Connection::Failed(error)) => Some(error),
        _ => None,
    };
    let problem = problem.map(|error| {
        html! {
            <div class="notice error live-problem" role="alert">
                <p>{error.to_string()}</p>
                <button type="button" class="button" onclick={on_retry} disabled={busy}>{"Retry"}</button>
            </div>
        }
    });
    let run_area = live.connected().then(|| {
        html! {
            <div class="live-run">
                <button type="button" class="button" onclick={on_run} disabled={busy}
                        aria-describedby="live-run-what">{"Run these steps on the real cluster"}</button>
                <p id="live-run-what" class="muted">
                    {format!("Runs the scenario's set-up and {} (where the player is now) in a fresh session \
                              on the real cluster, then shows its state beside the model's.",
                             steps_text(props.cursor))}
                </p>
            </div>
        }
    });
    let result = match &live.run {
        RunStatus::Done(result) => {
            let stale = (result.steps != props.cursor || result.revision != props.revision).then(|| {
                html! {
                    <p class="notice">
                        {format!("This comparison is for {}; the player is at step {} now. Run again to compare \
                                  there.", steps_text(result.steps), props.cursor)}
                    </p>
                }
            });
            html! { <>{for stale}<StateComparison result={result.clone()} /></> }
        }
        _ => Html::default(),
    };

    html! {
        <section class="real-cluster on" aria-label="Real cluster">
            <div class="real-cluster-head">{switch}</div>
            <form class="proxy-form" onsubmit={on_connect}>
                <div class="field">
                    <label for="proxy-address">{"Proxy address"}</label>
                    <input id="proxy-address" type="text" inputmode="url" autocomplete="off" spellcheck="false"
                           value={live.address.clone()} oninput={on_address} />
                </div>
                <div class="field">
                    <label for="proxy-token">{"Token"}</label>
                    <input id="proxy-token" type="password" autocomplete="off" spellcheck="false"
                           value={live.token.clone()} oninput={on_token} />
                </div>
                <button type="submit" class="button secondary" disabled={busy}>{"Connect"}</button>
            </form>
            if !live.remembered {
                <p class="muted">{"This browser does not let the course remember the address and token (its \
                                   storage is blocked), so you will type them again next time."}</p>
            }
            <p class="live-status" role="status" aria-live="polite">{status}</p>
            {for problem}
            {for run_area}
            {result}
        </section>
    }
}

pub fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}
