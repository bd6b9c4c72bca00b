use yew::prelude::*;

use crate::stage_view::ConsumerView;

#[derive(Properties, PartialEq)]
pub struct ConsumerCardProps {
    pub consumer: ConsumerView,
}

#[function_component]
pub fn ConsumerCard(props: &ConsumerCardProps) -> Html {
    let c = &props.consumer;
    html! {
        <article class={classes!("client-card", "consumer", format!("state-{}", c.state.name()), c.changed.then_some("changed"))}
                 aria-label={format!("Consumer {}", c.id)}>
            <h4><span class="client-kind">{"consumer "}</span>{&c.id}</h4>
            <dl>
                // The facts a learner watches first come first: a phone shows only those.
                <dt>{"state"}</dt><dd class="client-state">{c.state.name()}</dd>
                <dt>{"doing"}</dt><dd class="client-activity">{&c.activity}</dd>
                <dt>{"position"}</dt>
                <dd>{ if !c.joined && c.positions.is_empty() { "has not polled yet".to_string() }
                    else if c.positions.is_empty() { "no partitions assigned".to_string() } else {
                    c.positions.iter().map(|(tp, o)| format!("{tp}: {o}")).collect::<Vec<_>>().join(", ")
                } }</dd>
                <dt>{"group"}</dt><dd>{&c.group}</dd>
            </dl>
        </article>
    }
}
