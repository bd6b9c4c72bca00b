use kafka_model::consumer::ConsumerState;
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
        <article class={classes!("client-card", "consumer", format!("state-{}", c.state.name()),
                                 c.paused.then_some("paused"), c.changed.then_some("changed"))}
                 aria-label={format!("Consumer {}", c.id)}>
            <h4><span class="client-kind">{"consumer "}</span>{&c.id}</h4>
            <dl>
                // The facts a learner watches first come first: a phone shows only those.
                <dt>{"state"}</dt><dd class="client-state">{c.state.name()}</dd>
                <dt>{"doing"}</dt><dd class="client-activity">{&c.activity}</dd>
                <dt>{"position"}</dt>
                <dd>{ if c.state != ConsumerState::Running { "none".to_string() }
                    else if !c.joined && c.positions.is_empty() { "has not polled yet".to_string() }
                    else if c.positions.is_empty() { "no partitions assigned".to_string() } else {
                    c.positions.iter().map(|(tp, o)| format!("{tp}: {o}")).collect::<Vec<_>>().join(", ")
                } }</dd>
                if c.joined || !c.owns.is_empty() {
                    <dt>{"owns"}</dt>
                    <dd>{ if c.owns.is_empty() { "nothing".to_string() } else { c.owns.join(", ") } }</dd>
                }
                <dt>{"group"}</dt><dd>{&c.group}</dd>
                if let Some(t) = c.poll_timer {
                    <dt>{"since poll"}</dt>
                    <dd class={classes!("poll-timer", (t.since_ms >= t.max_ms).then_some("late"))}
                        title="Time since the application last called poll(), against max.poll.interval.ms">
                        <meter min="0" max={t.max_ms.to_string()} value={t.since_ms.min(t.max_ms).to_string()}
                               optimum="0" high={(t.max_ms * 4 / 5).to_string()} aria-hidden="true"></meter>
                        {format!(" {} of max {}", seconds(t.since_ms), seconds(t.max_ms))}
                    </dd>
                }
            </dl>
        </article>
    }
}

/// `6 s`, `1.5 s`, `5 min`: a duration as a learner reads it.
fn seconds(ms: u64) -> String {
    match ms {
        ms if ms >= 60_000 && ms % 60_000 == 0 => format!("{} min", ms / 60_000),
        ms if ms % 1_000 == 0 => format!("{} s", ms / 1_000),
        ms => format!("{:.1} s", ms as f64 / 1_000.0),
    }
}
