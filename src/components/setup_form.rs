//! The sandbox's set-up without JSON: a topic, a producer and consumers with the settings the lessons are
//! about. It produces a scenario in the contract's format with no steps; the action palette does the rest.

use serde_json::json;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
struct Setup {
    flavor: String,
    partitions: u32,
    replication: u32,
    min_insync: u32,
    acks: String,
    idempotence: bool,
    transactional: bool,
    consumers: u32,
    auto_commit: bool,
    reset: String,
    read_committed: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            flavor: "kafka-python".into(),
            partitions: 1,
            replication: 1,
            min_insync: 1,
            acks: "all".into(),
            idempotence: true,
            transactional: false,
            consumers: 1,
            auto_commit: false,
            reset: "earliest".into(),
            read_committed: false,
        }
    }
}

impl Setup {
    fn scenario(&self) -> String {
        let mut producer = json!({ "acks": self.acks, "enable.idempotence": self.idempotence });
        if self.transactional {
            producer["transactional.id"] = json!("sandbox-tx");
        }
        let consumers: Vec<_> = (1..=self.consumers)
            .map(|n| {
                json!({
                    "id": format!("worker-{n}"),
                    "subscribe": ["orders"],
                    "config": {
                        "group.id": "sandbox-group",
                        "enable.auto.commit": self.auto_commit,
                        "auto.offset.reset": self.reset,
                        "isolation.level": if self.read_committed { "read_committed" } else { "read_uncommitted" },
                    }
                })
            })
            .collect();
        let scenario = json!({
            "title": "Sandbox set-up",
            "flavor": self.flavor,
            "seed": 1,
            "topics": [{ "name": "orders", "partitions": self.partitions, "replication.factor": self.replication,
                         "min.insync.replicas": self.min_insync }],
            "producers": [{ "id": "producer", "config": producer }],
            "consumers": consumers,
            "steps": [],
        });
        serde_json::to_string_pretty(&scenario).unwrap_or_default()
    }
}

/// A callback that applies a field's new value to the set-up.
fn updater(setup: &UseStateHandle<Setup>, change: fn(&mut Setup, String)) -> Callback<Event> {
    let setup = setup.clone();
    Callback::from(move |event: Event| {
        // Selects share the `value` property with inputs.
        let target = event.target_unchecked_into::<web_sys::HtmlInputElement>();
        let value = if target.type_() == "checkbox" {
            target.checked().to_string()
        } else {
            target.value()
        };
        let mut next = (*setup).clone();
        change(&mut next, value);
        setup.set(next);
    })
}

/// A number field's value, kept within what the form offers.
fn number(value: String, low: u32, high: u32) -> u32 {
    value.parse::<u32>().unwrap_or(low).clamp(low, high)
}

fn set_partitions(s: &mut Setup, v: String) {
    s.partitions = number(v, 1, 8);
}

fn set_replication(s: &mut Setup, v: String) {
    s.replication = number(v, 1, 3);
}

fn set_min_insync(s: &mut Setup, v: String) {
    s.min_insync = number(v, 1, 3);
}

fn set_consumers(s: &mut Setup, v: String) {
    s.consumers = number(v, 1, 3);
}

#[derive(Properties, PartialEq)]
pub struct SetupFormProps {
    /// Told the scenario (JSON) to start from.
    pub on_start: Callback<String>,
}

#[function_component]
pub fn SetupForm(props: &SetupFormProps) -> Html {
    let setup = use_state(Setup::default);
    let update = |change: fn(&mut Setup, String)| updater(&setup, change);
    let on_start = {
        let (setup, on_start) = (setup.clone(), props.on_start.clone());
        Callback::from(move |_: MouseEvent| on_start.emit(setup.scenario()))
    };
    let select = |label: &'static str,
                  value: &str,
                  options: &[&'static str],
                  onchange: Callback<Event>| {
        html! {
            <label>{label}{" "}
                <select {onchange}>
                    { for options.iter().map(|o| html! { <option value={*o} selected={*o == value}>{*o}</option> }) }
                </select>
            </label>
        }
    };
    html! {
        <details class="setup-form">
            <summary>{"Set up a cluster and clients"}</summary>
            <div class="setup-grid">
                <fieldset>
                    <legend>{"Cluster: topic orders"}</legend>
                    <label>{"partitions "}<input type="number" min="1" max="8" value={setup.partitions.to_string()}
                        onchange={update(set_partitions)} /></label>
                    <label>{"replication.factor "}<input type="number" min="1" max="3" value={setup.replication.to_string()}
                        onchange={update(set_replication)} /></label>
                    <label>{"min.insync.replicas "}<input type="number" min="1" max="3" value={setup.min_insync.to_string()}
                        onchange={update(set_min_insync)} /></label>
                </fieldset>
                <fieldset>
                    <legend>{"Producer"}</legend>
                    { select("client", &setup.flavor, &["kafka-python", "java"], update(|s, v| s.flavor = v)) }
                    { select("acks", &setup.acks, &["0", "1", "all"], update(|s, v| s.acks = v)) }
                    <label><input type="checkbox" checked={setup.idempotence}
                        onchange={update(|s, v| s.idempotence = v == "true")} />{" enable.idempotence"}</label>
                    <label><input type="checkbox" checked={setup.transactional}
                        onchange={update(|s, v| s.transactional = v == "true")} />{" transactional.id"}</label>
                </fieldset>
                <fieldset>
                    <legend>{"Consumers (one group)"}</legend>
                    <label>{"how many "}<input type="number" min="1" max="3" value={setup.consumers.to_string()}
                        onchange={update(set_consumers)} /></label>
                    <label><input type="checkbox" checked={setup.auto_commit}
                        onchange={update(|s, v| s.auto_commit = v == "true")} />{" enable.auto.commit"}</label>
                    { select("auto.offset.reset", &setup.reset, &["earliest", "latest", "none"], update(|s, v| s.reset = v)) }
                    <label><input type="checkbox" checked={setup.read_committed}
                        onchange={update(|s, v| s.read_committed = v == "true")} />{" isolation.level=read_committed"}</label>
                </fieldset>
            </div>
            <button class="button" onclick={on_start}>{"Start from this set-up"}</button>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_up_is_a_valid_scenario() {
        for (replication, consumers, transactional, flavor) in [
            (1, 1, false, "kafka-python"),
            (3, 3, true, "java"),
            (2, 2, false, "java"),
        ] {
            let setup = Setup {
                replication,
                min_insync: replication,
                consumers,
                transactional,
                flavor: flavor.into(),
                ..Setup::default()
            };
            let scenario = kafka_model::parse_scenario(&setup.scenario()).expect("valid scenario");
            assert_eq!(scenario.setup.consumers.len(), consumers as usize);
            assert_eq!(scenario.setup.brokers, replication as u16);
        }
    }
}
