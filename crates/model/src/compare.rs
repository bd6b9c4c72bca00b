//! The model's run beside a real cluster's run of the same steps, laid out as the rows the live view draws —
//! section, label, model value, real value — each with what differs under it, in one walk over both.
//!
//! A difference names its value by a path that uses keys, not positions (`partitions[orders/0].log[3].transaction`,
//! `groups[g].committed[orders/0]`, `producers[producer].producer_epoch`, `ledger[<value>].processed`), so one
//! difference does not shift the others and the differential test can explain it by pattern. Producer ids are
//! compared as a correspondence: the cluster numbers producers its own way, so only a real id that stands for two
//! model ids (or the reverse) differs. What the real side lists as unknown, and everything below it, is not
//! compared, and its rows read "unknown".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::output::{
    short_value, FinalState, LogEntryOut, Output, PartitionOut, StepOutput, TopicPartitionOffset,
};
use crate::partition_log::{EntryKind, TxnStatus};
use crate::real_run::RealRun;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub path: String,
    pub model: String,
    pub real: String,
}

/// One thing both sides show: the row's summary on each side, and what differs under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub model: String,
    pub real: String,
    /// The real side could not observe this value; `real` reads "unknown".
    pub unknown: bool,
    pub differences: Vec<Difference>,
}

impl Row {
    pub fn differs(&self) -> bool {
        !self.differences.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comparison {
    pub sections: Vec<Section>,
    /// How many values the real side could not observe.
    pub unknown: usize,
}

impl Comparison {
    /// Every difference, in the order of the rows.
    pub fn differences(&self) -> impl Iterator<Item = &Difference> {
        self.sections
            .iter()
            .flat_map(|s| &s.rows)
            .flat_map(|r| &r.differences)
    }

    pub fn identical(&self) -> bool {
        self.differences().next().is_none()
    }
}

pub fn compare(model: &Output, real: &RealRun) -> Comparison {
    let mut walk = Walk {
        unknown: real
            .unknown
            .iter()
            .map(|path| keyed_path(path, &real.final_state))
            .collect(),
        model_to_real: BTreeMap::new(),
        real_to_model: BTreeMap::new(),
        sections: Vec::new(),
    };
    let (m, r) = (&model.final_state, &real.final_state);
    walk.steps(&model.steps, &real.steps);
    walk.partitions(m, r);
    walk.committed(m, r);
    walk.producers(m, r);
    walk.transactions(m, r);
    walk.consumers(m, r);
    walk.database(model, real);
    walk.sections.retain(|s| !s.rows.is_empty());
    Comparison {
        sections: walk.sections,
        unknown: real.unknown.len(),
    }
}

/// `producers[0].producer_id` → `producers[producer].producer_id`, using the real state's order: the proxy
/// may name an unknown value by its position in its own lists.
fn keyed_path(path: &str, real: &FinalState) -> String {
    let Some((section, rest)) = path.split_once('[') else {
        return path.to_owned();
    };
    let Some((index, tail)) = rest.split_once(']') else {
        return path.to_owned();
    };
    let Ok(i) = index.parse::<usize>() else {
        return path.to_owned();
    };
    let key = match section {
        "partitions" => real.partitions.get(i).map(|p| tp(&p.topic, p.partition)),
        "groups" => real.groups.get(i).map(|g| g.group_id.clone()),
        "producers" => real.producers.get(i).map(|p| p.id.clone()),
        "consumers" => real.consumers.get(i).map(|c| c.id.clone()),
        "transactions" => real.transactions.get(i).map(|t| t.transactional_id.clone()),
        _ => None,
    };
    key.map_or_else(|| path.to_owned(), |key| format!("{section}[{key}]{tail}"))
}

/// Whether `path` is `unknown` or lies under it.
fn covers(unknown: &str, path: &str) -> bool {
    path.strip_prefix(unknown)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

fn show<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

fn tp(topic: &str, partition: u32) -> String {
    format!("{topic}/{partition}")
}

/// Each item once, in the order first seen: the model's order, then what only the real side has. (A sorted
/// set would cost a sort routine per key type in the WebAssembly; these lists are short.)
fn distinct<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Both sides' values of one thing; a side that lacks it reads "—".
fn both<T, U: ToString>(m: Option<&T>, r: Option<&T>, get: impl Fn(&T) -> U) -> (String, String) {
    let text = |side: Option<&T>| side.map_or_else(|| "—".to_owned(), |x| get(x).to_string());
    (text(m), text(r))
}

struct Walk {
    unknown: Vec<String>,
    model_to_real: BTreeMap<u64, u64>,
    real_to_model: BTreeMap<u64, u64>,
    sections: Vec<Section>,
}

impl Walk {
    fn is_unknown(&self, path: &str) -> bool {
        self.unknown.iter().any(|u| covers(u, path))
    }

    fn section(&mut self, title: impl Into<String>) {
        self.sections.push(Section {
            title: title.into(),
            rows: Vec::new(),
        });
    }

    /// A row of the current section showing the value at `path` (or the values under it).
    fn row(&mut self, label: impl Into<String>, path: &str, (model, real): (String, String)) {
        let unknown = self.is_unknown(path);
        let row = Row {
            label: label.into(),
            model,
            real: if unknown { "unknown".to_owned() } else { real },
            unknown,
            differences: Vec::new(),
        };
        if let Some(section) = self.sections.last_mut() {
            section.rows.push(row);
        }
    }

    /// A value compared under the current row.
    fn differ(&mut self, path: String, model: String, real: String) {
        if model == real || self.is_unknown(&path) {
            return;
        }
        if let Some(row) = self.sections.last_mut().and_then(|s| s.rows.last_mut()) {
            row.differences.push(Difference { path, model, real });
        }
    }

    /// Whether a model producer id and a real one may stand for the same producer.
    fn same_producer(&mut self, model: Option<u64>, real: Option<u64>) -> bool {
        let (Some(m), Some(r)) = (model, real) else {
            return model.is_none() && real.is_none();
        };
        let known_real = *self.model_to_real.entry(m).or_insert(r);
        let known_model = *self.real_to_model.entry(r).or_insert(m);
        known_real == r && known_model == m
    }

    fn producer_id(&mut self, path: String, model: Option<u64>, real: Option<u64>) {
        if !self.same_producer(model, real) {
            self.differ(path, show(model), show(real));
        }
    }

    /// A row for one value compared as text.
    fn value_row(
        &mut self,
        label: impl Into<String>,
        path: String,
        (model, real): (String, String),
    ) {
        self.row(label, &path, (model.clone(), real.clone()));
        self.differ(path, model, real);
    }

    fn steps(&mut self, model: &[StepOutput], real: &[StepOutput]) {
        self.section("Steps");
        for i in 0..model.len().max(real.len()) {
            let (m, r) = (model.get(i), real.get(i));
            let what = m.or(r).map_or(String::new(), |step| match &step.actor {
                Some(actor) => format!("{actor}: {}", step.op.name()),
                None => step.op.name().to_owned(),
            });
            let path = format!("steps[{i}]");
            let result = |step: Option<&StepOutput>| match step {
                None => "not run".to_owned(),
                Some(step) if step.ok => "ok".to_owned(),
                Some(step) => format!(
                    "failed: {}",
                    step.error.as_deref().unwrap_or("no error named")
                ),
            };
            self.row(
                format!("Step {} · {what}", i + 1),
                &path,
                (result(m), result(r)),
            );
            match (m, r) {
                (Some(m), Some(r)) => {
                    self.differ(format!("{path}.ok"), m.ok.to_string(), r.ok.to_string());
                    self.differ(
                        format!("{path}.error"),
                        show(m.error.as_ref()),
                        show(r.error.as_ref()),
                    );
                }
                _ => self.differ(path, result(m), result(r)),
            }
        }
    }

    fn partitions(&mut self, model: &FinalState, real: &FinalState) {
        let keys = distinct(
            model
                .partitions
                .iter()
                .chain(&real.partitions)
                .map(|p| (p.topic.as_str(), p.partition)),
        );
        for (topic, partition) in keys {
            let key = format!("partitions[{}]", tp(topic, partition));
            let m = model.partition(topic, partition);
            let r = real.partition(topic, partition);
            self.section(format!("Partition {}", tp(topic, partition)));
            self.value_row(
                "High watermark",
                format!("{key}.high_watermark"),
                both(m, r, |p: &PartitionOut| p.high_watermark),
            );
            self.value_row(
                "Last stable offset",
                format!("{key}.last_stable_offset"),
                both(m, r, |p: &PartitionOut| p.last_stable_offset),
            );
            let model_log = m.map_or(&[][..], |p| &p.log[..]);
            let real_log = r.map_or(&[][..], |p| &p.log[..]);
            let mut offsets: Vec<u64> =
                model_log.iter().chain(real_log).map(|e| e.offset).collect();
            offsets.sort_unstable();
            offsets.dedup();
            for offset in offsets {
                let m = model_log.iter().find(|e| e.offset == offset);
                let r = real_log.iter().find(|e| e.offset == offset);
                self.entry(&format!("{key}.log[{offset}]"), offset, m, r);
            }
            // A partition one side lacks shows as the length of its log.
            self.row(
                "Log entries",
                &format!("{key}.log"),
                (model_log.len().to_string(), real_log.len().to_string()),
            );
            if m.is_some() != r.is_some() {
                let presence = |p: Option<&PartitionOut>| {
                    if p.is_some() { "present" } else { "missing" }.to_owned()
                };
                self.differ(key, presence(m), presence(r));
            }
        }
    }

    fn entry(&mut self, path: &str, offset: u64, m: Option<&LogEntryOut>, r: Option<&LogEntryOut>) {
        self.row(
            format!("Offset {offset}"),
            path,
            (entry_text(m), entry_text(r)),
        );
        let (Some(m), Some(r)) = (m, r) else {
            let summary = |e: Option<&LogEntryOut>| e.map_or("nothing".to_owned(), entry_summary);
            return self.differ(path.to_owned(), summary(m), summary(r));
        };
        self.differ(
            format!("{path}.kind"),
            m.kind.name().to_owned(),
            r.kind.name().to_owned(),
        );
        self.differ(
            format!("{path}.value"),
            show(m.value.as_ref()),
            show(r.value.as_ref()),
        );
        self.differ(
            format!("{path}.transaction"),
            m.transaction.name().to_owned(),
            r.transaction.name().to_owned(),
        );
        self.producer_id(format!("{path}.producer_id"), m.producer_id, r.producer_id);
        self.differ(
            format!("{path}.producer_epoch"),
            show(m.producer_epoch),
            show(r.producer_epoch),
        );
        self.differ(
            format!("{path}.sequence"),
            show(m.sequence),
            show(r.sequence),
        );
    }

    fn committed(&mut self, model: &FinalState, real: &FinalState) {
        self.section("Committed offsets");
        let keys = distinct(model.groups.iter().chain(&real.groups).flat_map(|g| {
            g.committed
                .iter()
                .map(|c| (g.group_id.as_str(), c.topic.as_str(), c.partition))
        }));
        for (group, topic, partition) in keys {
            self.value_row(
                format!("{group} · {}", tp(topic, partition)),
                format!("groups[{group}].committed[{}]", tp(topic, partition)),
                (
                    show(model.committed(group, topic, partition)),
                    show(real.committed(group, topic, partition)),
                ),
            );
        }
    }

    fn producers(&mut self, model: &FinalState, real: &FinalState) {
        self.section("Producers");
        let ids = distinct(
            model
                .producers
                .iter()
                .chain(&real.producers)
                .map(|p| p.id.as_str()),
        );
        for id in ids {
            let key = format!("producers[{id}]");
            let (m, r) = (model.producer(id), real.producer(id));
            let path = format!("{key}.producer_id");
            self.row(
                format!("{id}: producer id"),
                &path,
                both(m, r, |p| show(p.producer_id)),
            );
            match (m, r) {
                (Some(m), Some(r)) => self.producer_id(path, m.producer_id, r.producer_id),
                _ => {
                    let presence = |p: Option<_>| if p.is_some() { "present" } else { "missing" };
                    self.differ(key.clone(), presence(m).to_owned(), presence(r).to_owned());
                    continue;
                }
            }
            self.value_row(
                format!("{id}: epoch"),
                format!("{key}.producer_epoch"),
                both(m, r, |p| show(p.producer_epoch)),
            );
            self.value_row(
                format!("{id}: state"),
                format!("{key}.state"),
                both(m, r, |p| p.state.name()),
            );
            self.value_row(
                format!("{id}: transaction"),
                format!("{key}.transaction_state"),
                both(m, r, |p| show(p.transaction_state.map(|s| s.name()))),
            );
        }
    }

    fn transactions(&mut self, model: &FinalState, real: &FinalState) {
        self.section("Transaction coordinator");
        for m in &model.transactions {
            let id = &m.transactional_id;
            let key = format!("transactions[{id}]");
            let r = real.transaction(id);
            let path = format!("{key}.producer_id");
            self.row(
                format!("{id}: producer id"),
                &path,
                both(Some(m), r, |t| t.producer_id),
            );
            let Some(r) = r else {
                self.differ(key, "present".to_owned(), "missing".to_owned());
                continue;
            };
            self.producer_id(path, Some(m.producer_id), Some(r.producer_id));
            self.value_row(
                format!("{id}: epoch"),
                format!("{key}.producer_epoch"),
                both(Some(m), Some(r), |t| t.producer_epoch),
            );
            self.value_row(
                format!("{id}: state"),
                format!("{key}.state"),
                both(Some(m), Some(r), |t| t.state.name()),
            );
        }
    }

    fn consumers(&mut self, model: &FinalState, real: &FinalState) {
        self.section("Consumers");
        for m in &model.consumers {
            let key = format!("consumers[{}]", m.id);
            let Some(r) = real.consumer(&m.id) else {
                self.row(
                    format!("{}: state", m.id),
                    &key,
                    (m.state.name().to_owned(), "—".to_owned()),
                );
                self.differ(key, "present".to_owned(), "missing".to_owned());
                continue;
            };
            self.value_row(
                format!("{}: state", m.id),
                format!("{key}.state"),
                (m.state.name().to_owned(), r.state.name().to_owned()),
            );
            let by_partition = |list: &[TopicPartitionOffset]| {
                list.iter()
                    .map(|o| (tp(&o.topic, o.partition), o.offset))
                    .collect::<BTreeMap<String, u64>>()
            };
            let (mp, rp) = (by_partition(&m.positions), by_partition(&r.positions));
            for partition in distinct(mp.keys().chain(rp.keys())) {
                self.value_row(
                    format!("{}: position in {partition}", m.id),
                    format!("{key}.positions[{partition}]"),
                    (show(mp.get(partition)), show(rp.get(partition))),
                );
            }
        }
    }

    /// How many times each message was processed: the model's ledger against the real side's database.
    fn database(&mut self, model: &Output, real: &RealRun) {
        self.section("Database: times each message was processed");
        let values = distinct(
            model
                .ledger
                .iter()
                .map(|row| row.value.as_str())
                .chain(real.database.iter().map(|row| row.value.as_str())),
        );
        for value in values {
            let m: u32 = model
                .ledger
                .iter()
                .filter(|row| row.value == value)
                .map(|row| row.processed)
                .sum();
            let r = real
                .database
                .iter()
                .filter(|row| row.value == value)
                .count() as u32;
            // Messages nobody processed on either side say nothing about the database.
            if m > 0 || r > 0 {
                let path = format!("ledger[{value}].processed");
                self.row(
                    format!("{} processed", short_value(value)),
                    &path,
                    (times(m), times(r)),
                );
                self.differ(path, m.to_string(), r.to_string());
            }
        }
    }
}

fn times(count: u32) -> String {
    match count {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    }
}

/// A log entry as a row shows it: `record #3 · committed`, `commit marker`.
fn entry_text(entry: Option<&LogEntryOut>) -> String {
    let Some(entry) = entry else {
        return "—".to_owned();
    };
    let what = match entry.kind {
        EntryKind::Record => format!(
            "record {}",
            entry
                .value
                .as_deref()
                .map_or("(no value)".to_owned(), short_value)
        ),
        EntryKind::CommitMarker => "commit marker".to_owned(),
        EntryKind::AbortMarker => "abort marker".to_owned(),
    };
    match entry.transaction {
        TxnStatus::None => what,
        status => format!("{what} · {}", status.name()),
    }
}

fn entry_summary(e: &LogEntryOut) -> String {
    match &e.value {
        Some(value) => format!("{} {value} ({})", e.kind.name(), e.transaction.name()),
        None => e.kind.name().to_owned(),
    }
}
