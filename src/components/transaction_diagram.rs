//! The transaction coordinator's state machine for one transactional.id (T3): every state, the allowed
//! moves, the current state lit, and the partitions and pending group offsets of the open transaction.

use kafka_model::transaction_coordinator::TxnState;
use yew::prelude::*;

use crate::stage_view::TransactionView;

#[derive(Properties, PartialEq)]
pub struct TransactionDiagramProps {
    pub transaction: TransactionView,
}

const W: f64 = 118.0;
const H: f64 = 30.0;

/// Where each state sits: the commit path on top, the abort path below, the start on the left.
fn place(state: TxnState) -> (f64, f64) {
    match state {
        TxnState::Empty => (10.0, 95.0),
        TxnState::Ongoing => (160.0, 95.0),
        TxnState::PrepareEpochFence => (320.0, 95.0),
        TxnState::Dead => (480.0, 95.0),
        TxnState::PrepareCommit => (320.0, 25.0),
        TxnState::CompleteCommit => (480.0, 25.0),
        TxnState::PrepareAbort => (320.0, 165.0),
        TxnState::CompleteAbort => (480.0, 165.0),
    }
}

#[function_component]
pub fn TransactionDiagram(props: &TransactionDiagramProps) -> Html {
    let t = &props.transaction;
    let edges = TxnState::ALL.iter().flat_map(|from| {
        TxnState::ALL
            .iter()
            .filter(move |to| from.can_move_to(**to))
            .map(move |to| edge(*from, *to))
    });
    let nodes = TxnState::ALL.iter().map(|state| {
        let (x, y) = place(*state);
        let here = *state == t.state;
        html! {
            <g class={classes!("txn-state", here.then_some("current"))}>
                <rect x={x.to_string()} y={y.to_string()} width={W.to_string()} height={H.to_string()} rx="8" />
                <text x={(x + W / 2.0).to_string()} y={(y + H / 2.0 + 4.0).to_string()} text-anchor="middle">
                    { if here { format!("▶ {}", state.name()) } else { state.name().to_string() } }
                </text>
            </g>
        }
    });
    html! {
        <section class={classes!("transaction-diagram", t.changed.then_some("changed"))}
                 aria-label={format!("Transaction coordinator for {}", t.transactional_id)}>
            <h4>
                <span class="client-kind">{"transaction coordinator · "}</span>{&t.transactional_id}
                <span class="muted">{format!(" · PID {} epoch {}", t.producer_id, t.epoch)}</span>
            </h4>
            <p class="txn-now" role="status">{format!("State: {}", t.state.name())}</p>
            <svg viewBox="0 0 610 230" role="img"
                 aria-label={format!("State machine; the current state is {}", t.state.name())}>
                <defs>
                    <marker id="txn-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" />
                    </marker>
                </defs>
                { for edges }
                { for nodes }
            </svg>
            <dl class="txn-details">
                <dt>{"partitions in the transaction"}</dt>
                <dd>{ if t.partitions.is_empty() { "none".to_string() } else { t.partitions.join(", ") } }</dd>
                <dt>{"pending group offsets"}</dt>
                <dd>{ if t.pending_offsets.is_empty() { "none".to_string() } else {
                    t.pending_offsets.iter().map(|(g, tp, o)| format!("{g} {tp}: {o}")).collect::<Vec<_>>().join(", ")
                } }</dd>
            </dl>
        </section>
    }
}

fn edge(from: TxnState, to: TxnState) -> Html {
    let (fx, fy) = place(from);
    let (tx, ty) = place(to);
    let back = tx < fx;
    let path = if back {
        // To the next transaction: along a track above (after a commit) or below (after an abort).
        let above = fy < 95.0;
        let (leave, track, arrive) = if above {
            (fy, 10.0, ty)
        } else {
            (fy + H, 220.0, ty + H)
        };
        let (sx, ex) = (fx + W / 2.0, tx + W / 2.0);
        format!("M{sx},{leave} V{track} H{ex} V{arrive}")
    } else if (fx - tx).abs() < 1.0 {
        let x = fx + W / 2.0;
        format!("M{x},{} V{ty}", fy + H)
    } else {
        format!("M{},{} L{tx},{}", fx + W, fy + H / 2.0, ty + H / 2.0)
    };
    html! { <path class={classes!("txn-edge", back.then_some("back"))} d={path} marker-end="url(#txn-arrow)" /> }
}
