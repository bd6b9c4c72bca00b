//! One partition's log as a row of offset cells, with consumer positions above it and the group's committed
//! offset, the high watermark and the LSO below it — so "where I read" and "what is saved" are visibly apart.

use kafka_model::partition_log::{EntryKind, TxnStatus};
use yew::prelude::*;

use crate::components::scroll_window::{use_scroll_window, Axis};
use crate::stage_view::{CellView, Marker, MarkerKind, PartitionView, ReplicaView};

const CELL: f64 = 46.0;
const PAD: f64 = 12.0;
const LANE: f64 = 20.0;
/// The height of one replica's row: a compact log, its cells under the partition's own.
const REPLICA_ROW: f64 = 26.0;

#[derive(Properties, PartialEq)]
pub struct PartitionLogProps {
    pub partition: PartitionView,
}

#[function_component]
pub fn PartitionLog(props: &PartitionLogProps) -> Html {
    let partition = &props.partition;
    // A long log scrolls sideways; only the cells near its visible part are drawn.
    let window = use_scroll_window(Axis::Horizontal, CELL, || {
        gloo::utils::window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .unwrap_or(CELL * 40.0)
    });
    {
        // Keep what the step changed in view: the furthest changed cell or marker, else the high watermark.
        let focus = partition
            .cells
            .iter()
            .filter(|c| c.changed)
            .map(|c| c.offset)
            .chain(
                partition
                    .markers
                    .iter()
                    .filter(|m| m.changed)
                    .map(|m| m.offset),
            )
            .max()
            .or_else(|| {
                let hw = partition
                    .markers
                    .iter()
                    .find(|m| m.kind == MarkerKind::HighWatermark);
                hw.map(|m| m.offset)
            })
            .unwrap_or(0);
        let node = window.node.clone();
        use_effect_with(focus, move |focus| {
            if let Some(scroller) = node.cast::<web_sys::Element>() {
                let x = PAD + CELL * *focus as f64;
                let (left, width) = (
                    f64::from(scroller.scroll_left()),
                    f64::from(scroller.client_width()),
                );
                if x < left + CELL || x > left + width - 2.0 * CELL {
                    scroller.set_scroll_left((x - width / 2.0).max(0.0) as i32);
                }
            }
        });
    }
    let above: Vec<&Marker> = partition
        .markers
        .iter()
        .filter(|m| m.kind == MarkerKind::Position)
        .collect();
    let below: Vec<&Marker> = partition
        .markers
        .iter()
        .filter(|m| m.kind != MarkerKind::Position)
        .collect();
    let beyond = partition.truncated.iter().chain(
        partition
            .replicas
            .iter()
            .flat_map(|r| r.diverged.iter().chain(&r.truncated)),
    );
    let last_offset = partition
        .cells
        .iter()
        .chain(beyond)
        .map(|c| c.offset + 1)
        .chain(partition.markers.iter().map(|m| m.offset + 1))
        .max()
        .unwrap_or(1);
    let row_top = PAD + LANE * above.len() as f64 + 6.0;
    let row_bottom = row_top + CELL;
    let width = PAD * 2.0 + CELL * last_offset as f64 + 220.0;
    let replicas_top = row_bottom + 12.0 + LANE * below.len() as f64;
    let height = replicas_top + REPLICA_ROW * partition.replicas.len() as f64 + PAD;
    let x_of = |offset: u64| PAD + CELL * offset as f64;

    let cells = partition
        .cells
        .iter()
        .filter(|c| window.shown.contains(&(c.offset as usize)))
        .map(|c| {
            html! { <LogCell key={c.offset} cell={c.clone()} x={x_of(c.offset)} y={row_top} /> }
        });
    let empty = partition.cells.is_empty().then(|| {
        html! {
            <g class="log-empty">
                <rect x={PAD.to_string()} y={row_top.to_string()} width={(CELL - 4.0).to_string()}
                      height={(CELL - 4.0).to_string()} rx="6" />
                <text x={(PAD + CELL / 2.0 - 2.0).to_string()} y={(row_top + CELL / 2.0 + 2.0).to_string()}
                      text-anchor="middle">{"empty"}</text>
            </g>
        }
    });
    let markers_above = above.iter().enumerate().map(|(lane, m)| {
        let y = PAD + LANE * lane as f64;
        marker(m, x_of(m.offset), y + 12.0, y + 14.0, row_bottom)
    });
    let markers_below = below.iter().enumerate().map(|(lane, m)| {
        let y = row_bottom + 8.0 + LANE * lane as f64;
        marker(m, x_of(m.offset), y + 13.0, row_top, y + 4.0)
    });
    let shown = |c: &&CellView| window.shown.contains(&(c.offset as usize));
    // Struck out for the one step that removed them: a shorter leader's log won.
    let removed = partition.truncated.iter().filter(shown).map(|c| {
        html! { <LogCell key={format!("removed-{}", c.offset)} cell={c.clone()} x={x_of(c.offset)} y={row_top} removed=true /> }
    });
    let replicas = partition.replicas.iter().enumerate().map(|(i, r)| {
        let y = replicas_top + REPLICA_ROW * i as f64;
        let status = replica_text(r);
        // The leader's entries up to this copy's end, or up to where its own history diverged.
        let common_end = r.diverged.first().map_or(r.log_end, |c| c.offset.min(r.log_end));
        let held = partition.cells.iter().filter(|c| c.offset < common_end).filter(shown);
        let ends = x_of(r.log_end.max(r.diverged.last().map_or(0, |c| c.offset + 1)).max(1));
        let hw = x_of(r.high_watermark) - 2.0;
        html! {
            <g class={classes!("replica", r.leader.then_some("leader"), (!r.in_sync).then_some("out-of-sync"), (!r.alive).then_some("down"))}>
                <title>{&status}</title>
                { for held.map(|c| replica_cell(c, x_of(c.offset), y, None)) }
                { for r.diverged.iter().filter(shown).map(|c| replica_cell(c, x_of(c.offset), y, Some("diverged"))) }
                { for r.truncated.iter().filter(shown).map(|c| replica_cell(c, x_of(c.offset), y, Some("removed"))) }
                <line class="replica-hw" x1={hw.to_string()} x2={hw.to_string()} y1={(y + 1.0).to_string()}
                      y2={(y + REPLICA_ROW - 3.0).to_string()} />
                <text class="replica-status" x={(ends + 6.0).to_string()} y={(y + REPLICA_ROW / 2.0 + 3.0).to_string()}>{status}</text>
            </g>
        }
    });
    let summary = partition
        .markers
        .iter()
        .map(marker_text)
        .collect::<Vec<_>>()
        .join("; ");

    html! {
        <figure class="partition-log">
            <figcaption>
                <span class="partition-name">{&partition.name}</span>
                if !partition.owners.is_empty() {
                    <span class="partition-owner">{format!("read by {}", partition.owners.join(", "))}</span>
                }
                <span class="visually-hidden">{format!(" — {} entries. {summary}.", partition.cells.len())}</span>
            </figcaption>
            <div class="log-scroll" ref={window.node} onscroll={window.onscroll}>
                <svg viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()}
                     role="group" aria-label={format!("Log of {}", partition.name)}>
                    { for cells }
                    { for removed }
                    { for empty }
                    { for markers_above }
                    { for markers_below }
                    { for replicas }
                </svg>
            </div>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct LogCellProps {
    cell: CellView,
    /// Removed by this step: drawn struck out.
    #[prop_or_default]
    removed: bool,
    x: f64,
    y: f64,
}

/// A component, so a step re-renders only the cells that changed.
#[function_component]
fn LogCell(props: &LogCellProps) -> Html {
    let (c, x, y) = (&props.cell, props.x, props.y);
    let kind = match c.kind {
        EntryKind::Record => "record",
        EntryKind::CommitMarker => "commit-marker",
        EntryKind::AbortMarker => "abort-marker",
    };
    let class = classes!(
        "log-cell",
        kind,
        format!("txn-{}", c.transaction.name()),
        c.changed.then_some("changed"),
        c.arrived.then_some("arrived"),
        props.removed.then_some("removed")
    );
    let size = CELL - 4.0;
    let centre = x + size / 2.0;
    let body = match c.kind {
        EntryKind::Record => {
            html! { <rect x={x.to_string()} y={y.to_string()} width={size.to_string()}
            height={size.to_string()} rx="6" /> }
        }
        // Markers are drawn as diamonds, so they differ from records by shape as well as colour.
        _ => {
            let (cx, cy, r) = (centre, y + size / 2.0, size / 2.0);
            html! { <polygon points={format!("{cx},{} {},{cy} {cx},{} {},{cy}", cy - r, cx + r, cy + r, cx - r)} /> }
        }
    };
    let struck =
        props.removed || (c.transaction == TxnStatus::Aborted && c.kind == EntryKind::Record);
    let strike = struck.then(|| {
        html! { <line class="strike" x1={(x + 4.0).to_string()} y1={(y + size - 6.0).to_string()}
        x2={(x + size - 4.0).to_string()} y2={(y + 6.0).to_string()} /> }
    });
    html! {
        <g class={class} tabindex="0" role="img" aria-label={c.detail.clone()}>
            <title>{&c.detail}</title>
            {body}
            <text class="cell-offset" x={(x + 4.0).to_string()} y={(y + 11.0).to_string()}>{c.offset}</text>
            <text class="cell-value" x={centre.to_string()} y={(y + size / 2.0 + 8.0).to_string()}
                  text-anchor="middle">{&c.short}</text>
            {for strike}
        </g>
    }
}

fn marker(m: &Marker, x: f64, label_y: f64, line_from: f64, line_to: f64) -> Html {
    let kind = match m.kind {
        MarkerKind::HighWatermark => "hw",
        MarkerKind::LastStableOffset => "lso",
        MarkerKind::Committed => "committed",
        MarkerKind::Pending => "pending",
        MarkerKind::Position => "position",
    };
    // Placed by a transform, and keyed by what it marks, so a marker that moves slides to its new offset.
    html! {
        <g key={format!("{kind}:{}", m.label)} class={classes!("marker", kind, m.changed.then_some("changed"))}
           style={format!("transform: translateX({}px)", x - 2.0)}>
            <line x1="0" x2="0" y1={line_from.to_string()} y2={line_to.to_string()} />
            <text x="5" y={label_y.to_string()}>{marker_text(m)}</text>
        </g>
    }
}

/// One entry of a replica's own log, small, under the partition's cell at the same offset.
fn replica_cell(c: &CellView, x: f64, y: f64, state: Option<&'static str>) -> Html {
    let size = CELL - 4.0;
    html! {
        <g class={classes!("replica-cell", state)}>
            <rect x={x.to_string()} y={(y + 2.0).to_string()} width={size.to_string()}
                  height={(REPLICA_ROW - 6.0).to_string()} rx="4" />
            <text x={(x + size / 2.0).to_string()} y={(y + REPLICA_ROW / 2.0 + 3.0).to_string()}
                  text-anchor="middle">{&c.short}</text>
        </g>
    }
}

fn replica_text(r: &ReplicaView) -> String {
    let mut words = vec![format!("broker {}", r.broker)];
    if r.leader {
        words.push("leader".into());
    }
    words.push(if r.in_sync {
        "in sync".into()
    } else {
        "out of sync".into()
    });
    if !r.alive {
        words.push("down".into());
    } else if !r.fetching && !r.leader {
        words.push("not copying".into());
    }
    words.push(format!("copy ends at {}", r.log_end));
    words.push(format!("HW {}", r.high_watermark));
    if !r.diverged.is_empty() {
        words.push(format!("holds {} the leader lost", r.diverged.len()));
    }
    if !r.truncated.is_empty() {
        words.push(format!("removed {}", r.truncated.len()));
    }
    words.join(" · ")
}

fn marker_text(m: &Marker) -> String {
    match m.kind {
        MarkerKind::HighWatermark => format!("high watermark {}", m.offset),
        MarkerKind::LastStableOffset => format!("last stable offset {}", m.offset),
        MarkerKind::Committed => format!("{} committed {}", m.label, m.offset),
        MarkerKind::Pending => format!("{} pending {}", m.label, m.offset),
        MarkerKind::Position => format!("{} position {}", m.label, m.offset),
    }
}
