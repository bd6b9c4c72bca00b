use std::rc::Rc;

use kafka_model::{parse_scenario, Timeline};
use yew::prelude::*;

use crate::components::Player;

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

#[function_component]
pub fn Sandbox() -> Html {
    let source = use_state(|| STARTER.to_string());
    let draft = use_state(|| STARTER.to_string());
    let error = use_state(|| None::<String>);
    let timeline = use_memo((*source).clone(), |json| {
        parse_scenario(json).map(|scenario| Rc::new(Timeline::from_scenario(&scenario)))
    });

    let on_input = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = event.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let on_run = {
        let (draft, source, error) = (draft.clone(), source.clone(), error.clone());
        Callback::from(move |_: MouseEvent| match parse_scenario(&draft) {
            Ok(_) => {
                error.set(None);
                source.set((*draft).clone());
            }
            // Nothing changes when the scenario is invalid: the running one stays.
            Err(problem) => error.set(Some(problem.to_string())),
        })
    };

    html! {
        <section class="sandbox" aria-labelledby="sandbox-title">
            <h1 id="sandbox-title">{"Sandbox"}</h1>
            <p class="lead">
                {"Set up topics, producers and consumers as a scenario, step through it, and break things on \
                  purpose with the actions below the stage."}
            </p>
            <details class="scenario-editor">
                <summary>{"Scenario (JSON)"}</summary>
                <label for="scenario-json" class="visually-hidden">{"Scenario JSON"}</label>
                <textarea id="scenario-json" spellcheck="false" rows="18" value={(*draft).clone()} oninput={on_input} />
                <button class="button" onclick={on_run}>{"Run this scenario"}</button>
                if let Some(problem) = &*error {
                    <p class="notice error" role="alert">{format!("The scenario was not loaded: {problem}")}</p>
                }
            </details>
            { match &*timeline {
                Ok(timeline) => html! { <Player key={(*source).clone()} timeline={timeline.clone()} start_at={0} /> },
                Err(problem) => html! { <p class="notice error" role="alert">{problem.to_string()}</p> },
            } }
        </section>
    }
}
