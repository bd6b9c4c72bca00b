//! The ledger (L1, L2): what happened to every message the application sent, and the outcome labels.

use crate::consumer::{Consumer, ConsumerState};
use crate::contract_names::contract_names;
use crate::group_coordinator::Group;
use crate::ids::{GroupIdx, MessageId, Offset, TopicPartition};
use crate::partition_log::{EntryKind, PartitionLog};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupCounts {
    pub delivered: u32,
    pub processed: u32,
}

/// Counters kept while the run goes on; copies in the log are counted from the logs at report time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageStats {
    pub sent: u32,
    /// The producer was told a write of this value succeeded.
    pub acknowledged: bool,
    /// Copies from aborted or open transactions handed to the application.
    pub aborted_reads: u32,
    pub by_group: Vec<GroupCounts>,
}

impl MessageStats {
    /// What one group did with the message.
    pub fn group(&self, g: GroupIdx) -> Option<&GroupCounts> {
        self.by_group.get(g.0 as usize)
    }

    fn group_mut(&mut self, g: GroupIdx) -> &mut GroupCounts {
        &mut self.by_group[g.0 as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    stats: Vec<Option<MessageStats>>,
    /// Messages in order of first send.
    order: Vec<MessageId>,
    groups: usize,
}

/// The labels of rule L2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    Lost,
    DuplicateInLog,
    ProcessedTwice,
    AbortedRead,
    ExactlyOnce,
    /// One committed copy and nothing wrong, but no group has applied it yet: not "exactly once" (L2).
    NotProcessed,
}

contract_names!(Label {
    Lost = "lost",
    DuplicateInLog = "duplicate-in-log",
    ProcessedTwice = "processed-twice",
    AbortedRead = "aborted-read",
    ExactlyOnce = "exactly-once",
    NotProcessed = "not-processed",
});

impl Label {
    /// Whether the label reports something gone wrong: all but `exactly-once` and `not-processed`.
    pub fn is_problem(self) -> bool {
        !matches!(self, Label::ExactlyOnce | Label::NotProcessed)
    }
}

/// One message's line in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub value: MessageId,
    pub sent: u32,
    pub appended: u32,
    pub committed_copies: u32,
    pub delivered: u32,
    pub processed: u32,
    pub acknowledged: bool,
    pub by_group: Vec<(GroupIdx, GroupCounts)>,
    pub labels: Vec<Label>,
}

impl Ledger {
    pub fn new(groups: usize) -> Self {
        Self {
            stats: Vec::new(),
            order: Vec::new(),
            groups,
        }
    }

    fn slot(&mut self, m: MessageId) -> &mut MessageStats {
        let i = m.0 as usize;
        if self.stats.len() <= i {
            self.stats.resize(i + 1, None);
        }
        if self.stats[i].is_none() {
            self.order.push(m);
            self.stats[i] = Some(MessageStats {
                by_group: vec![GroupCounts::default(); self.groups],
                ..MessageStats::default()
            });
        }
        self.stats[i].as_mut().expect("slot was just filled")
    }

    pub fn get(&self, m: MessageId) -> Option<&MessageStats> {
        self.stats.get(m.0 as usize).and_then(Option::as_ref)
    }

    pub fn order(&self) -> &[MessageId] {
        &self.order
    }

    pub(crate) fn record_sent(&mut self, m: MessageId) {
        self.slot(m).sent += 1;
    }

    pub(crate) fn record_acknowledged(&mut self, m: MessageId) {
        self.slot(m).acknowledged = true;
    }

    pub(crate) fn record_delivered(&mut self, m: MessageId, g: GroupIdx, aborted_or_open: bool) {
        let s = self.slot(m);
        s.group_mut(g).delivered += 1;
        if aborted_or_open {
            s.aborted_reads += 1;
        }
    }

    /// Returns how many times this group has now applied the message.
    pub(crate) fn record_processed(&mut self, m: MessageId, g: GroupIdx) -> u32 {
        let c = self.slot(m).group_mut(g);
        c.processed += 1;
        c.processed
    }
}

struct Copy {
    tp: TopicPartition,
    offset: Offset,
    committed: bool,
}

impl Ledger {
    /// Build the report: one row per message, in order of first send. Besides its counters it reads the
    /// copies in every partition's `logs`, the `consumers` (with their group) whose application may still
    /// hold copies unprocessed, and each group's committed offsets.
    pub fn rows<'a>(
        &self,
        texts: usize,
        logs: impl Iterator<Item = (TopicPartition, &'a PartitionLog)>,
        consumers: impl Iterator<Item = (GroupIdx, &'a Consumer)>,
        groups: &[Group],
    ) -> Vec<LedgerRow> {
        // Copies of every value, in one pass over the logs.
        let mut copies: Vec<Vec<Copy>> = (0..texts).map(|_| Vec::new()).collect();
        for (tp, log) in logs {
            for e in &log.entries {
                if e.kind == EntryKind::Record {
                    if let Some(list) = copies.get_mut(e.value.0 as usize) {
                        list.push(Copy {
                            tp,
                            offset: e.offset,
                            committed: e.txn.is_committed(),
                        });
                    }
                }
            }
        }
        // Copies still waiting unprocessed in a running consumer of each group.
        let mut waiting: Vec<(GroupIdx, MessageId)> = Vec::new();
        for (group, c) in consumers {
            if c.state == ConsumerState::Running {
                for r in &c.received {
                    waiting.push((group, r.value));
                }
            }
        }
        waiting.sort();
        waiting.dedup();

        let mut rows = Vec::with_capacity(self.order().len());
        for &m in self.order() {
            let Some(s) = self.get(m) else { continue };
            let list = &copies[m.0 as usize];
            let appended = list.len() as u32;
            let committed_copies = list.iter().filter(|c| c.committed).count() as u32;
            let mut labels = Vec::new();
            let mut lost = s.acknowledged && committed_copies == 0;
            let mut every_group_once = true;
            let mut some_group_applied = false;
            let mut twice = false;
            for (g, group) in groups.iter().enumerate() {
                let gi = GroupIdx(g as u16);
                let counts = s.by_group[g];
                let committed = &group.committed;
                let passed_every_copy = committed_copies > 0
                    && list
                        .iter()
                        .filter(|c| c.committed)
                        .all(|c| committed.get(&c.tp).is_some_and(|o| *o > c.offset));
                if passed_every_copy && counts.processed == 0 {
                    lost = true;
                }
                if counts.processed > 1 {
                    twice = true;
                }
                if counts.processed > 0 {
                    some_group_applied = true;
                }
                if counts.delivered > 0 {
                    let still_waiting = waiting.binary_search(&(gi, m)).is_ok();
                    if counts.processed != 1 || still_waiting {
                        every_group_once = false;
                    }
                }
            }
            if lost {
                labels.push(Label::Lost);
            }
            if committed_copies > 1 {
                labels.push(Label::DuplicateInLog);
            }
            if twice {
                labels.push(Label::ProcessedTwice);
            }
            if s.aborted_reads > 0 {
                labels.push(Label::AbortedRead);
            }
            if labels.is_empty() && committed_copies == 1 && every_group_once {
                labels.push(if some_group_applied {
                    Label::ExactlyOnce
                } else {
                    Label::NotProcessed
                });
            }
            let by_group: Vec<(GroupIdx, GroupCounts)> = (0..groups.len())
                .map(|g| (GroupIdx(g as u16), s.by_group[g]))
                .collect();
            rows.push(LedgerRow {
                value: m,
                sent: s.sent,
                appended,
                committed_copies,
                delivered: by_group.iter().map(|(_, c)| c.delivered).sum(),
                processed: by_group.iter().map(|(_, c)| c.processed).sum(),
                acknowledged: s.acknowledged,
                by_group,
                labels,
            });
        }
        rows
    }
}
