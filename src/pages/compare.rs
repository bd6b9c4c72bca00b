//! One crash schedule, three guarantees, side by side: the ledgers show loss, repeats and exactly-once.

use std::rc::Rc;

use kafka_model::experiment::{recorded, Guarantee};
use kafka_model::output::ledger_output;
use yew::prelude::*;

use crate::components::LedgerTable;
use crate::route::Route;
use crate::share_code;

const MESSAGES: u32 = 6;

#[function_component]
pub fn Compare() -> Html {
    let seed = use_state(|| 0_u64);
    let columns = use_memo(*seed, |seed| {
        Guarantee::ALL
            .iter()
            .map(|guarantee| {
                let (timeline, outcome) = recorded(*guarantee, MESSAGES, *seed);
                let run = share_code::encode(&timeline.to_scenario_json().to_string());
                (
                    *guarantee,
                    outcome,
                    ledger_output(timeline.state()),
                    run,
                    timeline.len(),
                )
            })
            .collect::<Vec<_>>()
    });
    let on_seed = {
        let seed = seed.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Ok(value) = input.value().parse() {
                seed.set(value);
            }
        })
    };
    let problems = use_memo((), |_| Rc::new(Vec::new()));
    html! {
        <section class="compare">
            <p class="lead">
                {format!("{MESSAGES} orders, one consumer application written three ways, and one crash schedule: \
                  the same seed crashes each of them before the same calls. Change the seed for another schedule. \
                  For exactly-once the ledger shows the results a read_committed reader downstream received; the \
                  loop's own database writes can still repeat, because an abort does not undo them.")}
            </p>
            <label class="seed">
                {"Crash schedule (seed) "}
                <input type="number" min="0" value={seed.to_string()} oninput={on_seed} />
            </label>
            <div class="compare-columns">
                { for columns.iter().map(|(guarantee, outcome, ledger, run, steps)| html! {
                    <article class="compare-column" aria-label={guarantee.name()}>
                        <h3>{guarantee.name()}</h3>
                        <p class="compare-summary">
                            {format!("{} exactly once · {} lost · {} processed twice · {} crashes",
                                outcome.exactly_once, outcome.lost, outcome.processed_twice, outcome.crashes)}
                        </p>
                        <LedgerTable ledger={ledger.clone()} problems={(*problems).clone()} on_jump={Callback::noop()} />
                        <a href={Route::Sandbox { run: Some(run.clone()), step: *steps as u32 }.to_hash()}>
                            {"Step through this run in the sandbox"}
                        </a>
                    </article>
                }) }
            </div>
        </section>
    }
}
