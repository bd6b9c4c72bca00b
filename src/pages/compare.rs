//! One crash schedule, three guarantees, side by side. Each column lists, per topic, what happened to every
//! message, and its summary counts exactly the rows it shows; the schedule's seed is in the address.

use std::cell::Cell;
use std::rc::Rc;

use kafka_model::experiment::{recorded, Guarantee};
use kafka_model::ledger::Label;
use kafka_model::output::{final_state, ledger_output, LedgerOut};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::LedgerTable;
use crate::playback::Problem;
use crate::route::{self, Route};
use crate::{share_code, share_link};

const MESSAGES: u32 = 6;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The crash schedule, from the address.
    pub seed: u64,
}

/// One guarantee's run, laid out.
#[derive(PartialEq)]
struct Column {
    guarantee: Guarantee,
    crashes: u32,
    topics: Vec<TopicRows>,
    /// The run as a scenario (JSON), for its sandbox link at its last step.
    scenario: Rc<str>,
    steps: usize,
}

/// The messages of one topic, and what the column counts them by: how often the worker processed each one, or
/// how often a reader downstream received it.
#[derive(PartialEq)]
struct TopicRows {
    title: &'static str,
    counted: &'static str,
    /// `processed` or `delivered`: the ledger column the table shows.
    column: &'static str,
    rows: Vec<LedgerOut>,
}

impl TopicRows {
    fn count(&self, label: Label) -> usize {
        self.rows
            .iter()
            .filter(|row| row.labels.contains(&label))
            .count()
    }
}

fn column(guarantee: Guarantee, seed: u64) -> Column {
    let (timeline, tally) = recorded(guarantee, MESSAGES, seed);
    let state = timeline.state();
    let ledger = ledger_output(state);
    let partitions = final_state(state).partitions;
    let in_topic = |topic: &str| -> Vec<LedgerOut> {
        let values: Vec<&str> = partitions
            .iter()
            .filter(|p| p.topic == topic)
            .flat_map(|p| p.log.iter().filter_map(|e| e.value.as_deref()))
            .collect();
        ledger
            .iter()
            .filter(|row| values.contains(&row.value.as_str()))
            .cloned()
            .collect()
    };
    let mut topics = vec![TopicRows {
        title: "orders",
        counted: "processed by the worker",
        column: "processed",
        rows: in_topic("orders"),
    }];
    if guarantee == Guarantee::ExactlyOnce {
        topics.push(TopicRows {
            title: "processed-orders",
            counted: "received by shipping (read_committed)",
            column: "delivered",
            rows: in_topic("processed-orders"),
        });
    }
    Column {
        guarantee,
        crashes: tally.crashes,
        topics,
        scenario: timeline.to_scenario_json().to_string().into(),
        steps: timeline.len(),
    }
}

#[function_component]
pub fn Compare(props: &CompareProps) -> Html {
    let seed = use_state(|| props.seed);
    {
        // A link to another schedule, opened while this page shows.
        let seed = seed.clone();
        use_effect_with(props.seed, move |from_address| seed.set(*from_address));
    }
    let columns = use_memo(*seed, |seed| {
        Guarantee::ALL
            .iter()
            .map(|guarantee| column(*guarantee, *seed))
            .collect::<Vec<_>>()
    });
    // The columns' run codes, packed once the page shows (the browser's compression is asynchronous); until
    // then the links carry the runs uncompressed, which open the same.
    let codes = use_state(|| None::<(u64, Vec<String>)>);
    {
        let (codes, columns) = (codes.clone(), columns.clone());
        use_effect_with(*seed, move |seed| {
            let seed = *seed;
            let scenarios: Vec<Rc<str>> = columns.iter().map(|c| c.scenario.clone()).collect();
            let current = Rc::new(Cell::new(true));
            let still = current.clone();
            spawn_local(async move {
                let mut packed = Vec::with_capacity(scenarios.len());
                for scenario in scenarios {
                    packed.push(share_link::encode(&scenario).await);
                }
                // Another schedule, or another page, may have come meanwhile.
                if still.get() {
                    codes.set(Some((seed, packed)));
                }
            });
            move || current.set(false)
        });
    }
    let problems = use_memo((), |_| Rc::new(Vec::new()));
    let on_seed = {
        let seed = seed.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Ok(value) = input.value().parse() {
                route::replace(&Route::Compare { seed: value });
                seed.set(value);
            }
        })
    };
    html! {
        <section class="compare">
            <p class="lead">
                {format!("{MESSAGES} orders, one consumer application written three ways, and one crash schedule: \
                  the same seed crashes each of them before the same calls. Change the seed for another schedule \
                  (the address keeps it). For exactly-once, what counts is what a read_committed reader downstream \
                  received; the loop's own database writes can still repeat, because an abort does not undo them.")}
            </p>
            <label class="seed">
                {"Crash schedule (seed) "}
                <input type="number" min="0" value={seed.to_string()} oninput={on_seed} />
            </label>
            <div class="compare-columns">
                { for columns.iter().enumerate().map(|(i, column)| {
                    let code = match &*codes {
                        Some((packed_for, packed)) if *packed_for == *seed => packed.get(i).cloned(),
                        _ => None,
                    };
                    column_card(column, code, &problems)
                }) }
            </div>
        </section>
    }
}

fn column_card(column: &Column, code: Option<String>, problems: &Rc<Vec<Problem>>) -> Html {
    let run = code.unwrap_or_else(|| share_code::encode(&column.scenario));
    // The outcome is counted on the last topic: the one the guarantee is about.
    let summary = column.topics.last().map_or(String::new(), |topic| {
        format!(
            "{}: {} exactly once · {} lost · {} twice · {} crash{}",
            topic.title,
            topic.count(Label::ExactlyOnce),
            topic.count(Label::Lost),
            topic.count(Label::ProcessedTwice) + topic.count(Label::DuplicateInLog),
            column.crashes,
            if column.crashes == 1 { "" } else { "es" }
        )
    });
    let name = column.guarantee.name();
    html! {
        <article class="compare-column" aria-label={name}>
            <h3>{name}</h3>
            <p class="compare-summary">{summary}</p>
            { for column.topics.iter().map(|topic| html! {
                <div class={classes!("compare-topic", format!("counts-{}", topic.column))}>
                    <LedgerTable ledger={topic.rows.clone()} problems={problems.clone()} on_jump={Callback::noop()}
                                 caption={format!("{} · times {}", topic.title, topic.counted)} />
                </div>
            }) }
            <a href={Route::Sandbox { run: Some(run), step: column.steps as u32 }.to_hash()}>
                {"Step through this run in the sandbox"}
            </a>
        </article>
    }
}
