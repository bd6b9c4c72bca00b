//! Named predicates that must hold after every step.

use crate::cluster::Cluster;
use crate::event::{ConsumerState, ProducerState};
use crate::ledger::ledger_rows;

/// A broken invariant: its name and what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub name: &'static str,
    pub detail: String,
}

pub const OFFSETS_STRICTLY_INCREASE: &str = "offsets in a log strictly increase";
pub const LSO_LE_HW: &str = "LSO ≤ HW ≤ log end";
pub const POSITION_LE_HW: &str = "no position passes the high watermark";
pub const ONE_OWNER: &str = "a partition is assigned to at most one member of a group";
pub const CRASHED_HOLDS_NOTHING: &str =
    "a crashed client holds nothing in flight or in its buffers";
pub const ACKED_NOT_LOST: &str = "no acknowledged record is lost from the log";

/// All invariant names, for display.
pub const INVARIANTS: &[&str] = &[
    OFFSETS_STRICTLY_INCREASE,
    LSO_LE_HW,
    POSITION_LE_HW,
    ONE_OWNER,
    CRASHED_HOLDS_NOTHING,
    ACKED_NOT_LOST,
];

fn fail(name: &'static str, detail: String) -> Result<(), Violation> {
    Err(Violation { name, detail })
}

/// Check every invariant. (A `seek` past the end is allowed by Kafka and breaks POSITION_LE_HW until the
/// next poll resets the position; tests that check after every step do not seek past the end.)
pub fn check_invariants(c: &Cluster) -> Result<(), Violation> {
    let names = c.names();
    for (tp, log) in c.partition_logs() {
        if log.entries.windows(2).any(|w| w[0].offset >= w[1].offset)
            || log.entries.first().is_some_and(|e| e.offset.0 != 0)
        {
            return fail(OFFSETS_STRICTLY_INCREASE, format!("{}", names.tp(tp)));
        }
        let (lso, hw, end) = (log.last_stable_offset(), log.high_watermark, log.log_end());
        if !(lso <= hw && hw <= end) {
            return fail(
                LSO_LE_HW,
                format!("{}: LSO {lso}, HW {hw}, end {end}", names.tp(tp)),
            );
        }
    }
    for (i, consumer) in c.consumers().iter().enumerate() {
        let id = &c.setup().consumers[i].id;
        if consumer.state == ConsumerState::Running {
            for (tp, pos) in &consumer.positions {
                if *pos > c.log(*tp).high_watermark {
                    return fail(
                        POSITION_LE_HW,
                        format!("{id} at {pos} on {}", names.tp(*tp)),
                    );
                }
            }
        } else if !consumer.received.is_empty() || !consumer.fetched.is_empty() {
            return fail(CRASHED_HOLDS_NOTHING, id.clone());
        }
    }
    for (g, group) in c.groups().iter().enumerate() {
        let mut all: Vec<_> = group
            .members
            .iter()
            .flat_map(|m| m.assigned.iter().copied())
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        if all.len() != n {
            return fail(ONE_OWNER, c.setup().groups[g].clone());
        }
    }
    for (i, p) in c.producers().iter().enumerate() {
        if p.state == ProducerState::Crashed && !p.in_flight.is_empty() {
            return fail(CRASHED_HOLDS_NOTHING, c.setup().producers[i].id.clone());
        }
    }
    for row in ledger_rows(c) {
        if row.acknowledged && row.committed_copies == 0 {
            return fail(ACKED_NOT_LOST, c.text(row.value).to_owned());
        }
    }
    Ok(())
}
