use kafka_model::producer::ProducerState;
use yew::prelude::*;

use crate::stage_view::ProducerView;

#[derive(Properties, PartialEq)]
pub struct ProducerCardProps {
    pub producer: ProducerView,
}

#[function_component]
pub fn ProducerCard(props: &ProducerCardProps) -> Html {
    let p = &props.producer;
    let pid = match (p.producer_id, p.producer_epoch) {
        (Some(pid), Some(epoch)) => format!("PID {pid}, epoch {epoch}"),
        _ if p.idempotent => "none yet".to_string(),
        _ => "no PID (not idempotent)".to_string(),
    };
    let state = if p.started {
        state_words(p.state)
    } else {
        "not started"
    };
    html! {
        <article class={classes!("client-card", "producer", format!("state-{}", p.state.name()), p.changed.then_some("changed"))}
                 aria-label={format!("Producer {}", p.id)}>
            <h4><span class="client-kind">{"producer "}</span>{&p.id}</h4>
            <dl>
                // The facts a learner watches first come first: a phone shows only those.
                <dt>{"state"}</dt><dd class="client-state">{state}</dd>
                <dt>{"id"}</dt>
                <dd title={p.idempotent.then_some("An idempotent producer asks the broker for a producer id (PID) \
                                                  before its first send")}>{pid}</dd>
                <dt>{"in flight"}</dt>
                <dd>{ if p.in_flight.is_empty() { "nothing".to_string() } else { p.in_flight.join(" ") } }</dd>
                if let Some(ts) = &p.transaction_state {
                    <dt>{"coordinator"}</dt>
                    <dd title="The transaction coordinator's record of this transactional.id: Empty until the \
                               first send of a transaction adds a partition to it">{ts.name()}</dd>
                }
                if let Some(tid) = &p.transactional_id {
                    <dt>{"transactional.id"}</dt><dd>{tid}</dd>
                }
                if !p.next_sequence.is_empty() {
                    <dt>{"next sequence"}</dt>
                    <dd>{ p.next_sequence.iter().map(|(tp, s)| format!("{tp}: {s}")).collect::<Vec<_>>().join(", ") }</dd>
                }
            </dl>
            if p.state == ProducerState::Fenced {
                <p class="fence" role="note">{"⛔ fenced: a newer instance of its transactional.id holds a higher epoch"}</p>
            }
            if p.ack_will_be_lost {
                <p class="fault">{"⚡ the next acknowledgement will be lost"}</p>
            }
        </article>
    }
}

/// The client's own state, in words: "in a transaction" once begun, though the coordinator hears of it only
/// at the first send.
fn state_words(state: ProducerState) -> &'static str {
    match state {
        ProducerState::Ready => "ready",
        ProducerState::InTransaction => "in a transaction",
        ProducerState::BumpingEpoch => "bumping its epoch",
        ProducerState::Fenced => "fenced",
        ProducerState::Crashed => "crashed",
        ProducerState::Error => "failed",
    }
}
