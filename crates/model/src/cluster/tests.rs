//! Rules that need a state no scenario can reach, built by hand: markers and aborted copies written
//! straight into a log.

use super::{ledger_rows, Cluster};
use crate::action::Action;
use crate::ids::{ClientIdx, Offset};
use crate::ledger::Label;
use crate::partition_log::{EntryKind, LogEntry, TxnStatus};
use crate::scenario::parse_scenario;

/// C8: markers (written by hand here) are never handed out, and read_committed skips aborted records
/// while read_uncommitted hands them out.
#[test]
fn c8_markers_never_handed_out_and_read_committed_skips_aborted() {
    let s = parse_scenario(
        r#"{"flavor": "java", "topics": [{"name": "t"}],
            "consumers": [
              {"id": "rc", "subscribe": ["t"], "config": {"group.id": "a", "auto.offset.reset": "earliest", "isolation.level": "read_committed"}},
              {"id": "ru", "subscribe": ["t"], "config": {"group.id": "b", "auto.offset.reset": "earliest"}}],
            "steps": []}"#,
    )
    .unwrap();
    let mut c = Cluster::from_scenario(&s);
    let aborted = c.intern("aborted");
    let kept = c.intern("kept");
    let log = &mut c.logs[0][0];
    for (value, kind, txn) in [
        (aborted, EntryKind::Record, TxnStatus::Aborted),
        (aborted, EntryKind::AbortMarker, TxnStatus::Aborted),
        (kept, EntryKind::Record, TxnStatus::None),
    ] {
        let offset = log.log_end();
        log.entries.push(LogEntry {
            offset,
            kind,
            value,
            key: None,
            batch: None,
            txn,
        });
    }
    log.high_watermark = log.log_end();
    let mut out = Vec::new();
    c.apply(
        &Action::ConsumerPoll {
            consumer: ClientIdx(0),
        },
        &mut out,
    )
    .unwrap();
    c.apply(
        &Action::ConsumerPoll {
            consumer: ClientIdx(1),
        },
        &mut out,
    )
    .unwrap();
    let got =
        |i: usize| -> Vec<u64> { c.consumers[i].received.iter().map(|r| r.offset.0).collect() };
    assert_eq!(got(0), vec![2]);
    assert_eq!(got(1), vec![0, 2]);
    // Both positions moved past the marker.
    assert_eq!(
        c.consumers[0]
            .positions
            .values()
            .copied()
            .collect::<Vec<_>>(),
        vec![Offset(3)]
    );
    // The aborted copy handed to read_uncommitted is an aborted read (L2).
    assert_eq!(c.ledger.get(aborted).unwrap().aborted_reads, 1);
}

/// L2 labels for an acknowledged copy that turns out aborted, written by hand.
#[test]
fn l2_aborted_read_and_lost_when_no_committed_copy_survives() {
    let s = parse_scenario(
        r#"{"topics": [{"name": "t"}],
            "producers": [{"id": "p"}],
            "consumers": [{"id": "ru", "subscribe": ["t"], "config": {"group.id": "b", "auto.offset.reset": "earliest"}}],
            "steps": [{"actor": "p", "op": "send", "topic": "t", "value": "x"}, {"actor": "p", "op": "flush"}]}"#,
    )
    .unwrap();
    let mut c = Cluster::from_scenario(&s);
    let mut out = Vec::new();
    for a in &s.steps {
        c.apply(a, &mut out).unwrap();
    }
    // The only copy of the acknowledged "x" turns out aborted: lost; reading it is an aborted read.
    c.logs[0][0].entries[0].txn = TxnStatus::Aborted;
    c.apply(
        &Action::ConsumerPoll {
            consumer: ClientIdx(0),
        },
        &mut out,
    )
    .unwrap();
    let rows = ledger_rows(&c);
    assert_eq!(rows[0].committed_copies, 0);
    assert_eq!(rows[0].labels, vec![Label::Lost, Label::AbortedRead]);
}
