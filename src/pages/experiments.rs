//! Experiments: thousands of seeded random crash schedules for each guarantee, and a chart of what each
//! really delivered. Runs go in small batches between frames, so the page stays responsive and shows progress.

use gloo::timers::callback::Timeout;
use kafka_model::experiment::{run_many, Guarantee, Tally};
use yew::prelude::*;

const MESSAGES: u32 = 20;
/// Runs per guarantee between two frames.
const BATCH: u32 = 250;

#[derive(Clone, PartialEq)]
struct Job {
    runs: u32,
    done: u32,
    totals: [Tally; 3],
    started_ms: f64,
    took_ms: Option<f64>,
}

fn now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

#[function_component]
pub fn Experiments() -> Html {
    let runs = use_state(|| 1000_u32);
    let job = use_state(|| None::<Job>);

    {
        let job = job.clone();
        use_effect_with((*job).clone(), move |current| {
            let timer = current.clone().filter(|j| j.done < j.runs).map(|mut next| {
                Timeout::new(0, move || {
                    let end = (next.done + BATCH).min(next.runs);
                    for (total, guarantee) in next.totals.iter_mut().zip(Guarantee::ALL) {
                        let seeds = u64::from(next.done)..u64::from(end);
                        total.add(&run_many(guarantee, MESSAGES, seeds));
                    }
                    next.done = end;
                    if end == next.runs {
                        next.took_ms = Some(now_ms() - next.started_ms);
                    }
                    job.set(Some(next));
                })
            });
            move || drop(timer)
        });
    }

    let on_runs = {
        let runs = runs.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            runs.set(select.value().parse().unwrap_or(1000));
        })
    };
    let on_start = {
        let (job, runs) = (job.clone(), runs.clone());
        Callback::from(move |_: MouseEvent| {
            job.set(Some(Job {
                runs: *runs,
                done: 0,
                totals: [Tally::default(); 3],
                started_ms: now_ms(),
                took_ms: None,
            }))
        })
    };
    let running = job.as_ref().is_some_and(|j| j.done < j.runs);

    html! {
        <section class="experiments" aria-labelledby="experiments-title">
            <p class="lead">
                {format!("Each run feeds {MESSAGES} orders to the same consumer application, written three ways: \
                  commit before processing (at-most-once), process then commit (at-least-once), and a \
                  transactional read-process-write loop with a read_committed reader downstream (exactly-once). \
                  Before every call the application makes, a seeded random schedule may crash it (10 % a call, \
                  at most 3 crashes a run); the same seed crashes all three at the same calls.")}
            </p>
            <div class="progress-actions">
                <label>
                    {"Runs per guarantee "}
                    <select onchange={on_runs} disabled={running}>
                        { for [100_u32, 1000, 10_000].iter().map(|n| html! {
                            <option value={n.to_string()} selected={*n == *runs}>{n}</option>
                        }) }
                    </select>
                </label>
                <button class="button" onclick={on_start} disabled={running}>{"Run the experiment"}</button>
            </div>
            if let Some(job) = &*job {
                <p role="status">
                    <progress max={job.runs.to_string()} value={job.done.to_string()}>{format!("{} of {}", job.done, job.runs)}</progress>
                    {format!(" {} of {} runs", job.done, job.runs)}
                    { job.took_ms.map(|ms| format!(" — done in {ms:.0} ms")).unwrap_or_default() }
                </p>
                <TallyChart totals={job.totals} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TallyChartProps {
    totals: [Tally; 3],
}

/// Share of messages lost, processed twice and duplicated in the log, per guarantee, as grouped bars.
#[function_component]
fn TallyChart(props: &TallyChartProps) -> Html {
    const KINDS: [(&str, &str); 4] = [
        ("exactly once", "bar-once"),
        ("lost", "bar-lost"),
        ("processed twice", "bar-twice"),
        ("duplicated in log", "bar-duplicated"),
    ];
    let share = |o: &Tally, kind: usize| {
        let count = [o.exactly_once, o.lost, o.processed_twice, o.duplicated][kind];
        if o.messages == 0 {
            0.0
        } else {
            f64::from(count) * 100.0 / f64::from(o.messages)
        }
    };
    let (group_w, bar_w, top, height) = (200.0, 40.0, 20.0, 160.0);
    let groups = props.totals.iter().zip(Guarantee::ALL).enumerate().map(|(g, (o, guarantee))| {
        let x0 = 60.0 + group_w * g as f64;
        let bars = KINDS.iter().enumerate().map(|(k, (label, class))| {
            let pct = share(o, k);
            let h = height * pct / 100.0;
            let x = x0 + bar_w * k as f64;
            html! {
                <g class={*class}>
                    <title>{format!("{}: {label} {pct:.1} % of messages", guarantee.name())}</title>
                    <rect x={x.to_string()} y={(top + height - h).to_string()} width={(bar_w - 6.0).to_string()} height={h.to_string()} />
                    <text x={(x + bar_w / 2.0 - 3.0).to_string()} y={(top + height - h - 4.0).to_string()} text-anchor="middle">
                        {format!("{pct:.1}")}
                    </text>
                </g>
            }
        });
        html! {
            <g>
                { for bars }
                <text class="group-label" x={(x0 + 2.0 * bar_w - 3.0).to_string()} y={(top + height + 18.0).to_string()} text-anchor="middle">
                    {guarantee.name()}
                </text>
            </g>
        }
    });
    let legend = KINDS.iter().enumerate().map(|(k, (label, class))| {
        html! {
            <g class={*class}>
                <rect x={(60.0 + 150.0 * k as f64).to_string()} y="218" width="12" height="12" />
                <text x={(76.0 + 150.0 * k as f64).to_string()} y="228">{*label}</text>
            </g>
        }
    });
    let table_rows = props
        .totals
        .iter()
        .zip(Guarantee::ALL)
        .map(|(o, guarantee)| {
            html! {
                <tr>
                    <th scope="row">{guarantee.name()}</th>
                    { for (0..4).map(|k| html! { <td>{format!("{:.1} %", share(o, k))}</td> }) }
                    <td>{o.crashes}</td>
                </tr>
            }
        });
    html! {
        <figure class="outcome-chart">
            <svg viewBox="0 0 680 240" role="img" aria-label="Share of messages by outcome, per guarantee (the table below has the numbers)">
                <line class="axis" x1="50" x2="660" y1={(top + height).to_string()} y2={(top + height).to_string()} />
                <text class="axis-label" x="45" y={(top + 4.0).to_string()} text-anchor="end">{"100 %"}</text>
                <text class="axis-label" x="45" y={(top + height).to_string()} text-anchor="end">{"0 %"}</text>
                { for groups }
                { for legend }
            </svg>
            <figcaption class="table-scroll">
                <table class="outcome-table">
                    <caption>{"Share of messages, over all runs"}</caption>
                    <thead><tr><th scope="col">{"guarantee"}</th>
                        { for KINDS.iter().map(|(label, _)| html! { <th scope="col">{*label}</th> }) }
                        <th scope="col">{"crashes"}</th></tr></thead>
                    <tbody>{ for table_rows }</tbody>
                </table>
            </figcaption>
        </figure>
    }
}
