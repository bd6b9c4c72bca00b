//! The stage: producers, the partitions' logs and consumers side by side, and each transactional.id's
//! coordinator, drawn from the `StageView` of the cursor, with a way to the actions one click away.

use yew::prelude::*;

use crate::components::{ConsumerCard, PartitionLog, ProducerCard, TransactionDiagram};
use crate::stage_view::StageView;

/// Entries past which a log no longer fits between the producers and the consumers on a laptop's stage.
const LONG_LOG: usize = 6;

/// The stage of `stage`; `on_act` opens the actions panel (a printed stage has none). A plain function, not a component: the cards and
/// logs inside are components and skip what did not change.
pub fn stage(stage: &StageView, on_act: Option<&Callback<()>>) -> Html {
    let act = on_act.map(|on_act| {
        let onclick = on_act.reform(|_: MouseEvent| ());
        html! { <button class="button secondary stage-act" {onclick}>{"Break it yourself…"}</button> }
    });
    // A long log takes the stage's whole width when the stage is narrow; a short one leaves room for the clients
    // beside it.
    let longest = stage
        .partitions
        .iter()
        .map(|p| p.cells.len())
        .max()
        .unwrap_or(0);
    html! {
        <section class="lab-stage" aria-label="Stage" tabindex="0">
            {for act}
            <div class={classes!("stage", (longest > LONG_LOG).then_some("long-logs"))}>
                <section class="stage-clients producers" aria-label="Producers" tabindex="0">
                    <p class="flow" aria-hidden="true"></p>
                    { for stage.producers.iter().map(|p| html! { <ProducerCard producer={p.clone()} /> }) }
                </section>
                <section class="stage-logs" aria-label="Partitions">
                    { for stage.partitions.iter().map(|p| html! { <PartitionLog partition={p.clone()} /> }) }
                </section>
                <section class="stage-clients consumers" aria-label="Consumers" tabindex="0">
                    <p class="flow" aria-hidden="true"></p>
                    { for stage.consumers.iter().map(|c| html! { <ConsumerCard consumer={c.clone()} /> }) }
                </section>
            </div>
            if !stage.transactions.is_empty() {
                <div class="coordinators">
                    { for stage.transactions.iter().map(|t| html! { <TransactionDiagram transaction={t.clone()} /> }) }
                </div>
            }
        </section>
    }
}
