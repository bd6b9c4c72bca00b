//! The "database": how many times the processing step applied each message, per group — a duplicate or a gap
//! shows at a glance.

use kafka_model::output::LedgerOut;
use yew::prelude::*;

use crate::components::scroll_window::use_row_window;
use kafka_model::output::short_value;

#[derive(Properties, PartialEq)]
pub struct DatabaseTableProps {
    pub ledger: Vec<LedgerOut>,
    pub groups: Vec<String>,
}

#[function_component]
pub fn DatabaseTable(props: &DatabaseTableProps) -> Html {
    let window = use_row_window();
    if props.groups.is_empty() {
        return html! { <p class="muted">{"No consumer group processes anything in this scenario."}</p> };
    }
    let len = props.ledger.len();
    let shown = window.rows(len);
    let (above, below) = window.spacers(len);
    let rows = props.ledger[shown.clone()].iter().zip(shown.clone()).map(|(row, index)| {
        let counts: Vec<u32> = props
            .groups
            .iter()
            .map(|group| {
                row.by_group
                    .iter()
                    .find(|g| &g.group_id == group)
                    .map_or(0, |g| g.processed)
            })
            .collect();
        html! { <DatabaseRow key={row.value.clone()} value={row.value.clone()} {index} {counts} /> }
    });
    let table = html! {
        <table class="database" aria-rowcount={(len + 1).to_string()}>
            <caption>{"Side effects applied by the processing step"}</caption>
            <thead>
                <tr aria-rowindex="1"><th scope="col">{"message"}</th>
                { for props.groups.iter().map(|g| html! { <th scope="col">{format!("times processed by {g}")}</th> }) }
                </tr>
            </thead>
            <tbody>
                {above}
                { for rows }
                {below}
            </tbody>
        </table>
    };
    window.scroller("Side effects", len, table)
}

#[derive(Properties, PartialEq)]
struct DatabaseRowProps {
    value: String,
    /// The row's place among all the table's rows, for assistive technology.
    index: usize,
    /// Times processed, one per group.
    counts: Vec<u32>,
}

#[function_component]
fn DatabaseRow(props: &DatabaseRowProps) -> Html {
    let cells = props.counts.iter().map(|processed| {
        let (class, text) = match processed {
            0 => ("db-none", "—".to_string()),
            1 => ("db-once", "1".to_string()),
            n => ("db-many", format!("{n} (twice or more)")),
        };
        html! { <td class={class}>{text}</td> }
    });
    html! {
        <tr aria-rowindex={(props.index + 2).to_string()}>
            <th scope="row" title={props.value.clone()}>{short_value(&props.value)}</th>
            { for cells }
        </tr>
    }
}
