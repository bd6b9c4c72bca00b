//! The ledger (rules L1, L2): per message, copies in the log, deliveries, side effects and the labels, each
//! label linking to the step where it first appeared.

use kafka_model::ledger::Label;
use kafka_model::output::{short_value, LedgerOut};
use yew::prelude::*;

use crate::components::scroll_window::use_row_window;
use crate::playback::Problem;

#[derive(Properties, PartialEq)]
pub struct LedgerTableProps {
    pub ledger: Vec<LedgerOut>,
    pub problems: std::rc::Rc<Vec<Problem>>,
    pub on_jump: Callback<usize>,
    #[prop_or(AttrValue::Static("Ledger: what happened to each message"))]
    pub caption: AttrValue,
}

pub fn label_text(label: Label) -> &'static str {
    match label {
        Label::ExactlyOnce => "exactly once",
        Label::Lost => "lost",
        Label::ProcessedTwice => "processed twice",
        Label::DuplicateInLog => "duplicate in log",
        Label::AbortedRead => "aborted read",
        Label::NotProcessed => "not processed",
    }
}

#[function_component]
pub fn LedgerTable(props: &LedgerTableProps) -> Html {
    let window = use_row_window();
    if props.ledger.is_empty() {
        return html! { <p class="muted">{"No message has been sent yet."}</p> };
    }
    let len = props.ledger.len();
    let shown = window.rows(len);
    let (above, below) = window.spacers(len);
    // One component per row: a step re-renders only the rows whose message changed.
    let rows = props.ledger[shown.clone()].iter().zip(shown.clone()).map(|(row, index)| {
        html! {
            <LedgerRow key={row.value.clone()} row={row.clone()} {index} problems={props.problems.clone()}
                       on_jump={props.on_jump.clone()} />
        }
    });
    let table = html! {
        <table class="ledger" aria-rowcount={(len + 1).to_string()}>
            <caption>{props.caption.clone()}</caption>
            <thead>
                <tr aria-rowindex="1">
                    <th scope="col">{"message"}</th>
                    <th scope="col">{"sent"}</th>
                    <th scope="col" title="copies in the partitions' logs, not counting aborted ones or ones in a transaction still open">{"copies in the log"}</th>
                    <th scope="col">{"delivered"}</th>
                    <th scope="col">{"processed"}</th>
                    <th scope="col">{"labels"}</th>
                </tr>
            </thead>
            <tbody>
                {above}
                { for rows }
                {below}
            </tbody>
        </table>
    };
    window.scroller("Ledger", len, table)
}

#[derive(Properties)]
struct LedgerRowProps {
    row: LedgerOut,
    /// The row's place among all the ledger's rows, for assistive technology.
    index: usize,
    problems: std::rc::Rc<Vec<Problem>>,
    on_jump: Callback<usize>,
}

impl PartialEq for LedgerRowProps {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
            && self.index == other.index
            && std::rc::Rc::ptr_eq(&self.problems, &other.problems)
            && self.on_jump == other.on_jump
    }
}

#[function_component]
fn LedgerRow(props: &LedgerRowProps) -> Html {
    let row = &props.row;
    let labels = row.labels.iter().map(|label| {
        let step = props
            .problems
            .iter()
            .find(|p| p.value == row.value && p.label == *label)
            .map(|p| p.step);
        let chip = classes!("label-chip", format!("label-{}", label.name()));
        match step {
            Some(step) => {
                let on_jump = props.on_jump.clone();
                html! {
                    <button class={chip} onclick={Callback::from(move |_| on_jump.emit(step))}
                            title={format!("Jump to step {step}, where this happened")}>
                        {label_text(*label)}{format!(" · step {step}")}
                    </button>
                }
            }
            None => html! { <span class={chip}>{label_text(*label)}</span> },
        }
    });
    html! {
        <tr aria-rowindex={(props.index + 2).to_string()}>
            <th scope="row" title={row.value.clone()}>{short_value(&row.value)}</th>
            <td>{row.sent}</td>
            <td>{row.committed_copies}{(row.appended != row.committed_copies).then(|| format!(" of {}", row.appended))}</td>
            <td>{row.delivered}</td>
            <td>{row.processed}</td>
            <td class="labels">{ for labels }</td>
        </tr>
    }
}
