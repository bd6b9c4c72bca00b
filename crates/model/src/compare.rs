//! The model's run beside a real cluster's run of the same steps: every observable difference, by path.
//!
//! Paths name things by key, not position (`partitions[orders/0].log[3].transaction`, `groups[g].committed[orders/0]`,
//! `producers[producer].producer_epoch`, `ledger[<value>].processed`), so one difference does not shift the
//! others. Producer ids are compared as a correspondence: the cluster numbers producers its own way, so only a
//! real id that stands for two model ids (or the reverse) is a difference. Paths the real side lists as unknown,
//! and everything below them, are skipped.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::output::{FinalState, LogEntryOut, Output, PartitionOut, TopicPartitionOffset};
use crate::real_run::RealRun;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub path: String,
    pub model: String,
    pub real: String,
}

pub fn compare(model: &Output, real: &RealRun) -> Vec<Difference> {
    let mut cx = Comparison {
        unknown: real
            .unknown
            .iter()
            .map(|path| keyed_path(path, &real.final_state))
            .collect(),
        model_to_real: BTreeMap::new(),
        real_to_model: BTreeMap::new(),
        out: Vec::new(),
    };
    cx.steps(model, real);
    cx.partitions(&model.final_state.partitions, &real.final_state.partitions);
    cx.groups(&model.final_state, &real.final_state);
    cx.producers(&model.final_state, &real.final_state);
    cx.transactions(&model.final_state, &real.final_state);
    cx.consumers(&model.final_state, &real.final_state);
    cx.processed(model, real);
    cx.out
}

struct Comparison {
    unknown: Vec<String>,
    model_to_real: BTreeMap<u64, u64>,
    real_to_model: BTreeMap<u64, u64>,
    out: Vec<Difference>,
}

fn show<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

fn tp(topic: &str, partition: u32) -> String {
    format!("{topic}/{partition}")
}

/// `producers[0].producer_id` → `producers[producer].producer_id`, using the real state's order: the proxy
/// may name an unknown value by its position in its own lists.
pub fn keyed_path(path: &str, real: &FinalState) -> String {
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
pub fn covers(unknown: &str, path: &str) -> bool {
    path.strip_prefix(unknown)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

impl Comparison {
    fn is_unknown(&self, path: &str) -> bool {
        self.unknown.iter().any(|u| covers(u, path))
    }

    fn differ(&mut self, path: String, model: String, real: String) {
        if model != real && !self.is_unknown(&path) {
            self.out.push(Difference { path, model, real });
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

    fn steps(&mut self, model: &Output, real: &RealRun) {
        for (m, r) in model.steps.iter().zip(&real.steps) {
            let path = format!("steps[{}]", m.index);
            self.differ(format!("{path}.ok"), m.ok.to_string(), r.ok.to_string());
            self.differ(
                format!("{path}.error"),
                show(m.error.as_ref()),
                show(r.error.as_ref()),
            );
        }
        if model.steps.len() != real.steps.len() {
            self.differ(
                "steps".to_owned(),
                format!("{} steps", model.steps.len()),
                format!("{} steps", real.steps.len()),
            );
        }
    }

    fn partitions(&mut self, model: &[PartitionOut], real: &[PartitionOut]) {
        let real_by_key: BTreeMap<String, &PartitionOut> = real
            .iter()
            .map(|p| (tp(&p.topic, p.partition), p))
            .collect();
        for m in model {
            let key = tp(&m.topic, m.partition);
            let path = format!("partitions[{key}]");
            let Some(r) = real_by_key.get(&key) else {
                self.differ(path, "present".to_owned(), "missing".to_owned());
                continue;
            };
            self.differ(
                format!("{path}.high_watermark"),
                m.high_watermark.to_string(),
                r.high_watermark.to_string(),
            );
            self.differ(
                format!("{path}.last_stable_offset"),
                m.last_stable_offset.to_string(),
                r.last_stable_offset.to_string(),
            );
            self.log(&path, &m.log, &r.log);
        }
        let model_keys: Vec<String> = model.iter().map(|p| tp(&p.topic, p.partition)).collect();
        for key in real_by_key.keys().filter(|k| !model_keys.contains(k)) {
            self.differ(
                format!("partitions[{key}]"),
                "missing".to_owned(),
                "present".to_owned(),
            );
        }
    }

    fn log(&mut self, path: &str, model: &[LogEntryOut], real: &[LogEntryOut]) {
        let mut offsets: Vec<u64> = model.iter().chain(real).map(|e| e.offset).collect();
        offsets.sort_unstable();
        offsets.dedup();
        for offset in offsets {
            let path = format!("{path}.log[{offset}]");
            let m = model.iter().find(|e| e.offset == offset);
            let r = real.iter().find(|e| e.offset == offset);
            let (m, r) = match (m, r) {
                (Some(m), Some(r)) => (m, r),
                (m, r) => {
                    let describe = |e: Option<&LogEntryOut>| {
                        e.map_or_else(|| "nothing".to_owned(), entry_summary)
                    };
                    self.differ(path, describe(m), describe(r));
                    continue;
                }
            };
            self.differ(format!("{path}.kind"), m.kind.clone(), r.kind.clone());
            self.differ(
                format!("{path}.value"),
                show(m.value.as_ref()),
                show(r.value.as_ref()),
            );
            self.differ(
                format!("{path}.transaction"),
                m.transaction.clone(),
                r.transaction.clone(),
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
    }

    fn groups(&mut self, model: &FinalState, real: &FinalState) {
        for m in &model.groups {
            let r = real.groups.iter().find(|g| g.group_id == m.group_id);
            let real_committed = r.map_or(&[][..], |g| &g.committed);
            self.offsets(
                &format!("groups[{}].committed", m.group_id),
                &m.committed,
                real_committed,
            );
        }
    }

    /// Offsets per partition (committed, positions): `<path>[topic/partition]` for each that differs.
    fn offsets(
        &mut self,
        path: &str,
        model: &[TopicPartitionOffset],
        real: &[TopicPartitionOffset],
    ) {
        let by_partition = |list: &[TopicPartitionOffset]| -> BTreeMap<String, u64> {
            list.iter()
                .map(|o| (tp(&o.topic, o.partition), o.offset))
                .collect()
        };
        let (m, r) = (by_partition(model), by_partition(real));
        let keys: BTreeSet<&String> = m.keys().chain(r.keys()).collect();
        for key in keys {
            self.differ(format!("{path}[{key}]"), show(m.get(key)), show(r.get(key)));
        }
    }

    fn producers(&mut self, model: &FinalState, real: &FinalState) {
        for m in &model.producers {
            let path = format!("producers[{}]", m.id);
            let Some(r) = real.producers.iter().find(|p| p.id == m.id) else {
                self.differ(path, "present".to_owned(), "missing".to_owned());
                continue;
            };
            self.producer_id(format!("{path}.producer_id"), m.producer_id, r.producer_id);
            self.differ(
                format!("{path}.producer_epoch"),
                show(m.producer_epoch),
                show(r.producer_epoch),
            );
            self.differ(format!("{path}.state"), m.state.clone(), r.state.clone());
            self.differ(
                format!("{path}.transaction_state"),
                show(m.transaction_state.as_ref()),
                show(r.transaction_state.as_ref()),
            );
        }
    }

    fn transactions(&mut self, model: &FinalState, real: &FinalState) {
        for m in &model.transactions {
            let path = format!("transactions[{}]", m.transactional_id);
            let Some(r) = real
                .transactions
                .iter()
                .find(|t| t.transactional_id == m.transactional_id)
            else {
                self.differ(path, "present".to_owned(), "missing".to_owned());
                continue;
            };
            self.producer_id(
                format!("{path}.producer_id"),
                Some(m.producer_id),
                Some(r.producer_id),
            );
            self.differ(
                format!("{path}.producer_epoch"),
                m.producer_epoch.to_string(),
                r.producer_epoch.to_string(),
            );
            self.differ(format!("{path}.state"), m.state.clone(), r.state.clone());
        }
    }

    fn consumers(&mut self, model: &FinalState, real: &FinalState) {
        for m in &model.consumers {
            let path = format!("consumers[{}]", m.id);
            let Some(r) = real.consumers.iter().find(|c| c.id == m.id) else {
                self.differ(path, "present".to_owned(), "missing".to_owned());
                continue;
            };
            self.differ(format!("{path}.state"), m.state.clone(), r.state.clone());
            self.offsets(&format!("{path}.positions"), &m.positions, &r.positions);
        }
    }

    /// How many times each message was processed: the model's ledger against the real side's database.
    fn processed(&mut self, model: &Output, real: &RealRun) {
        let mut counts: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        for row in &model.ledger {
            counts.entry(row.value.as_str()).or_default().0 += row.processed;
        }
        for row in &real.database {
            counts.entry(row.value.as_str()).or_default().1 += 1;
        }
        for (value, (m, r)) in counts {
            self.differ(
                format!("ledger[{value}].processed"),
                m.to_string(),
                r.to_string(),
            );
        }
    }
}

fn entry_summary(e: &LogEntryOut) -> String {
    match &e.value {
        Some(value) => format!("{} {value} ({})", e.kind, e.transaction),
        None => e.kind.clone(),
    }
}
