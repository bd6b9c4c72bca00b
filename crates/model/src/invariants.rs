//! Named predicates that must hold after every step.

use crate::cluster::{ledger_rows, Cluster};
use crate::consumer::ConsumerState;
use crate::partition_log::TxnStatus;
use crate::producer::ProducerState;
use crate::transaction_coordinator::TxnState;

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
pub const FENCED_NEVER_APPENDS: &str =
    "a fenced producer never appends (per PID, epochs never go down along a log)";
pub const TXN_ALL_OR_NOTHING: &str =
    "a transaction is all visible or not at all to read_committed readers";

fn fail(name: &'static str, detail: String) -> Result<(), Violation> {
    Err(Violation { name, detail })
}

/// The transaction invariants alone (cheap enough for every step of a long run).
pub fn check_transactions(c: &Cluster) -> Result<(), Violation> {
    let names = c.names();
    for (tp, log) in c.partition_logs() {
        let mut last_epoch = std::collections::BTreeMap::new();
        for e in &log.entries {
            if let Some(b) = e.batch {
                let prev = last_epoch.insert(b.producer_id, b.epoch);
                if prev.is_some_and(|p| p > b.epoch) {
                    return fail(
                        FENCED_NEVER_APPENDS,
                        format!(
                            "{} offset {}: PID {} epoch {}",
                            names.tp(tp),
                            e.offset,
                            b.producer_id.0,
                            b.epoch.0
                        ),
                    );
                }
            }
        }
        // Records of a transaction stay open only while the coordinator has not finished it, and only in
        // partitions it knows about: the markers then resolve every partition at once.
        for (pid, first) in &log.open_txns {
            let live = c.transactions().iter().flatten().any(|m| {
                m.producer_id == *pid
                    && m.partitions.contains(&tp)
                    && matches!(
                        m.state,
                        TxnState::Ongoing | TxnState::PrepareCommit | TxnState::PrepareAbort
                    )
            });
            if !live || log.entry(*first).is_none_or(|e| e.txn != TxnStatus::Open) {
                return fail(
                    TXN_ALL_OR_NOTHING,
                    format!("{}: PID {} open from {}", names.tp(tp), pid.0, first),
                );
            }
        }
    }
    Ok(())
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
    check_transactions(c)?;
    for (consumer, spec) in c.consumers().iter().zip(&c.setup().consumers) {
        let id = &spec.id;
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
    for (group, name) in c.groups().iter().zip(&c.setup().groups) {
        let mut all: Vec<_> = group
            .members
            .iter()
            .flat_map(|m| m.assigned.iter().copied())
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        if all.len() != n {
            return fail(ONE_OWNER, name.clone());
        }
    }
    for (p, spec) in c.producers().iter().zip(&c.setup().producers) {
        if p.state == ProducerState::Crashed && !p.in_flight.is_empty() {
            return fail(CRASHED_HOLDS_NOTHING, spec.id.clone());
        }
    }
    for row in ledger_rows(c) {
        if row.acknowledged && row.committed_copies == 0 {
            return fail(ACKED_NOT_LOST, c.text(row.value).to_owned());
        }
    }
    Ok(())
}
