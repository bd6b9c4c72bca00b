//! The sandbox's set-up without JSON: a topic, a producer and consumers with the settings the lessons are
//! about. It produces a scenario in the contract's format with no steps; the action palette does the rest.

use kafka_model::config::{key, Acks, Assignor, Flavor, IsolationLevel, OffsetReset};
use kafka_model::scenario::{
    properties, Scenario, ScenarioError, Setup as ScenarioSetup, TopicSpec,
};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
struct Setup {
    flavor: Flavor,
    partitions: u32,
    replication: u32,
    min_insync: u32,
    acks: Acks,
    idempotence: bool,
    transactional: bool,
    consumers: u32,
    auto_commit: bool,
    reset: OffsetReset,
    read_committed: bool,
    /// `None`: the client's default list.
    assignor: Option<Assignor>,
    static_members: bool,
    max_poll_interval_s: u32,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            flavor: Flavor::KafkaPython,
            partitions: 1,
            replication: 1,
            min_insync: 1,
            acks: Acks::All,
            idempotence: true,
            transactional: false,
            consumers: 1,
            auto_commit: false,
            reset: OffsetReset::Earliest,
            read_committed: false,
            assignor: None,
            static_members: false,
            max_poll_interval_s: 300,
        }
    }
}

impl Setup {
    fn build(&self) -> Result<ScenarioSetup, ScenarioError> {
        let mut setup = ScenarioSetup::new(self.flavor, 1);
        setup.title = Some("Sandbox set-up".to_string());
        let orders = setup.add_topic(TopicSpec {
            partitions: self.partitions,
            replication_factor: self.replication,
            min_insync_replicas: self.min_insync,
            ..TopicSpec::new("orders")
        })?;
        let mut producer = properties([
            (key::ACKS, self.acks.name().into()),
            (key::ENABLE_IDEMPOTENCE, self.idempotence.into()),
        ]);
        if self.transactional {
            producer.insert(key::TRANSACTIONAL_ID.into(), "sandbox-tx".into());
        }
        setup.add_producer("producer", producer)?;
        let isolation = if self.read_committed {
            IsolationLevel::ReadCommitted
        } else {
            IsolationLevel::ReadUncommitted
        };
        for n in 1..=self.consumers {
            let mut config = properties([
                (key::GROUP_ID, "sandbox-group".into()),
                (key::ENABLE_AUTO_COMMIT, self.auto_commit.into()),
                (key::AUTO_OFFSET_RESET, self.reset.name().into()),
                (key::ISOLATION_LEVEL, isolation.name().into()),
            ]);
            if let Some(assignor) = self.assignor {
                config.insert(key::ASSIGNMENT_STRATEGY.into(), assignor.name().into());
            }
            if self.static_members {
                config.insert(key::GROUP_INSTANCE_ID.into(), format!("worker-{n}").into());
            }
            if self.max_poll_interval_s != 300 {
                let ms = u64::from(self.max_poll_interval_s) * 1_000;
                config.insert(key::MAX_POLL_INTERVAL_MS.into(), ms.into());
            }
            setup.add_consumer(&format!("worker-{n}"), vec![orders], config)?;
        }
        Ok(setup)
    }

    /// The set-up as a scenario file with no steps.
    fn scenario(&self) -> Result<String, ScenarioError> {
        let scenario = Scenario {
            setup: self.build()?,
            texts: Vec::new(),
            steps: Vec::new(),
        };
        Ok(serde_json::to_string_pretty(&scenario.to_json()).unwrap_or_default())
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

fn set_max_poll_interval(s: &mut Setup, v: String) {
    s.max_poll_interval_s = number(v, 1, 3_600);
}

/// The assignor choices: the client's default first.
const DEFAULT_ASSIGNORS: &str = "the client's default";

#[derive(Properties, PartialEq)]
pub struct SetupFormProps {
    /// Told the scenario (JSON) to start from, or why the set-up was refused.
    pub on_start: Callback<Result<String, String>>,
}

#[function_component]
pub fn SetupForm(props: &SetupFormProps) -> Html {
    let setup = use_state(Setup::default);
    let update = |change: fn(&mut Setup, String)| updater(&setup, change);
    let on_start = {
        let (setup, on_start) = (setup.clone(), props.on_start.clone());
        Callback::from(move |_: MouseEvent| {
            on_start.emit(setup.scenario().map_err(|e| e.to_string()))
        })
    };
    let select = |label: &'static str,
                  value: &str,
                  options: Vec<&'static str>,
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
                    { select("client", setup.flavor.name(), Flavor::ALL.iter().map(|f| f.name()).collect(),
                             update(|s, v| s.flavor = Flavor::from_name(&v).unwrap_or(s.flavor))) }
                    { select("acks", setup.acks.name(), Acks::ALL.iter().map(|a| a.name()).collect(),
                             update(|s, v| s.acks = Acks::from_name(&v).unwrap_or(s.acks))) }
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
                    { select("auto.offset.reset", setup.reset.name(), OffsetReset::ALL.iter().map(|r| r.name()).collect(),
                             update(|s, v| s.reset = OffsetReset::from_name(&v).unwrap_or(s.reset))) }
                    <label><input type="checkbox" checked={setup.read_committed}
                        onchange={update(|s, v| s.read_committed = v == "true")} />{" isolation.level=read_committed"}</label>
                    { select("partition.assignment.strategy",
                             setup.assignor.map_or(DEFAULT_ASSIGNORS, Assignor::name),
                             std::iter::once(DEFAULT_ASSIGNORS).chain(Assignor::ALL.iter().map(|a| a.name())).collect(),
                             update(|s, v| s.assignor = Assignor::from_name(&v))) }
                    <label><input type="checkbox" checked={setup.static_members}
                        onchange={update(|s, v| s.static_members = v == "true")} />{" group.instance.id (static members)"}</label>
                    <label>{"max.poll.interval.ms, in seconds "}<input type="number" min="1" max="3600"
                        value={setup.max_poll_interval_s.to_string()} onchange={update(set_max_poll_interval)} /></label>
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
        for (replication, consumers, transactional, flavor, assignor) in [
            (1, 1, false, Flavor::KafkaPython, None),
            (3, 3, true, Flavor::Java, Some(Assignor::CooperativeSticky)),
            (2, 2, false, Flavor::Java, Some(Assignor::RoundRobin)),
            (
                1,
                3,
                false,
                Flavor::KafkaPython,
                Some(Assignor::CooperativeSticky),
            ),
        ] {
            let setup = Setup {
                replication,
                min_insync: replication,
                consumers,
                transactional,
                flavor,
                assignor,
                static_members: consumers > 1,
                max_poll_interval_s: 30,
                ..Setup::default()
            };
            let json = setup.scenario().expect("a valid set-up");
            let scenario = kafka_model::parse_scenario(&json).expect("valid scenario");
            assert_eq!(scenario.setup.consumers.len(), consumers as usize);
            assert_eq!(scenario.setup.brokers, replication as u16);
            let config = &scenario.setup.consumers[0].config;
            assert_eq!(config.max_poll_interval_ms, 30_000);
            assert_eq!(config.group_instance_id.is_some(), consumers > 1);
            if let Some(a) = assignor {
                assert_eq!(config.assignors, vec![a]);
            }
        }
    }
}
