//! The real cluster's state beside the model's for the same steps: a summary ("identical" or how many
//! differences), then the rows `kafka_model::compare` laid out, a table per section of model | real cluster.
//! A difference is marked by a "≠ differs" label as well as colour; what the proxy could not observe reads
//! "unknown".

use std::rc::Rc;

use yew::prelude::*;

use kafka_model::compare::{Row, Section};

use crate::components::real_cluster_panel::plural;
use crate::live::state::LiveResult;

#[derive(Properties, PartialEq)]
pub struct StateComparisonProps {
    pub result: Rc<LiveResult>,
}

#[function_component]
pub fn StateComparison(props: &StateComparisonProps) -> Html {
    let comparison = &props.result.comparison;
    let unknown = (comparison.unknown > 0).then(|| {
        format!(
            " {} could not be observed on the real cluster and read \"unknown\".",
            plural(comparison.unknown, "value")
        )
    });
    let summary = if comparison.identical() {
        html! {
            <p class="comparison-summary identical">
                <span class="same-marker">{"✓ Identical"}</span>
                {": the real cluster agrees with the model on every value compared."}{for unknown}
            </p>
        }
    } else {
        html! {
            <p class="comparison-summary different">
                <span class="diff-marker">{format!("≠ {}", plural(comparison.differences().count(), "difference"))}</span>
                {" from the model, each marked \"≠ differs\" below."}{for unknown}
            </p>
        }
    };
    let events = props.result.real.steps.iter().map(|step| {
        let what = match &step.actor {
            Some(actor) => format!("{actor}: {}", step.op.name()),
            None => step.op.name().to_string(),
        };
        html! {
            <li>
                <strong>{format!("Step {} · {what}", step.index + 1)}</strong>
                if let Some(error) = &step.error {
                    {" "}<span class="event-error">{format!("failed: {error}")}</span>
                }
                <ul>{for step.events.iter().map(|e| html! { <li>{e}</li> })}</ul>
            </li>
        }
    });
    html! {
        <div class="state-comparison">
            <h3>{"The real cluster beside the model"}</h3>
            {summary}
            <div class="comparison-tables">
                { for comparison.sections.iter().map(section_table) }
            </div>
            <details class="real-events">
                <summary>{"What the real clients did"}</summary>
                <ol>{for events}</ol>
            </details>
        </div>
    }
}

// The tables are plain functions, not components: they have no state, and each component type adds its own
// copy of Yew's lifecycle code to the WebAssembly.

fn section_table(section: &Section) -> Html {
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={section.title.clone()}>
            <table class="comparison">
                <caption>{&section.title}</caption>
                <thead>
                    <tr><th scope="col">{"what"}</th><th scope="col">{"model"}</th><th scope="col">{"real cluster"}</th></tr>
                </thead>
                <tbody>{ for section.rows.iter().map(comparison_row) }</tbody>
            </table>
        </div>
    }
}

fn comparison_row(row: &Row) -> Html {
    let detail: String = row
        .differences
        .iter()
        .map(|d| format!("{}: model {}, real {}", d.path, d.model, d.real))
        .collect::<Vec<_>>()
        .join("; ");
    let real = if row.unknown {
        html! { <span class="unknown">{"unknown"}</span> }
    } else {
        html! { {&row.real} }
    };
    html! {
        <tr class={classes!(row.differs().then_some("differs"))}>
            <th scope="row">{&row.label}</th>
            <td>{&row.model}</td>
            <td>
                {real}
                if row.differs() {
                    {" "}<span class="diff-marker" title={detail}>{"≠ differs"}</span>
                }
            </td>
        </tr>
    }
}
