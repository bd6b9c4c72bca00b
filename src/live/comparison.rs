//! The model's state and the real cluster's state for the same steps, laid out as rows to read side by side,
//! with each difference found by `kafka_model::compare` attached to the row that shows it. Pure: built once
//! per run, tested natively.

use kafka_model::output::{LogEntryOut, PartitionOut, StepOutput};
use kafka_model::Output;

use super::contract::{covers, keyed_path, Difference, RealRun};
use crate::stage::short_value;

/// What the live view shows about one run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    pub sections: Vec<Section>,
    /// Differences no row shows (values this view does not lay out), listed on their own.
    pub other: Vec<Difference>,
    /// Every difference `compare` found.
    pub differences: usize,
    /// Values the proxy could not observe.
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub model: String,
    pub real: String,
    /// The proxy could not observe this value; `real` says "unknown".
    pub unknown: bool,
    pub differences: Vec<Difference>,
    /// The paths this row shows (a `compare` path names a row by one of them, or by a field under it).
    keys: Vec<String>,
}

impl Row {
    fn new(label: impl Into<String>, model: String, real: String, keys: Vec<String>) -> Self {
        Self {
            label: label.into(),
            model,
            real,
            unknown: false,
            differences: Vec::new(),
            keys,
        }
    }

    pub fn differs(&self) -> bool {
        !self.differences.is_empty()
    }
}

impl Comparison {
    pub fn identical(&self) -> bool {
        self.differences == 0
    }
}

pub fn comparison(model: &Output, real: &RealRun, differences: &[Difference]) -> Comparison {
    let mut sections = vec![steps_section(&model.steps, &real.steps)];
    sections.extend(partition_sections(model, real));
    sections.push(committed_section(model, real));
    sections.push(producers_section(model, real));
    sections.push(database_section(model, real));
    sections.retain(|section| !section.rows.is_empty());

    let mut other = Vec::new();
    for difference in differences {
        let row = sections
            .iter_mut()
            .flat_map(|section| section.rows.iter_mut())
            .find(|row| row.keys.iter().any(|key| covers(key, &difference.path)));
        match row {
            Some(row) => row.differences.push(difference.clone()),
            None => other.push(difference.clone()),
        }
    }
    let unknown: Vec<String> = real
        .unknown
        .iter()
        .map(|path| keyed_path(path, &real.final_state))
        .collect();
    for row in sections
        .iter_mut()
        .flat_map(|section| section.rows.iter_mut())
    {
        // A row is unknown when what it shows is, or lies under, a path the proxy could not observe.
        let unknown = unknown
            .iter()
            .any(|path| row.keys.iter().any(|key| covers(path, key)));
        if unknown {
            row.unknown = true;
            row.real = "unknown".to_string();
        }
    }
    Comparison {
        sections,
        other,
        differences: differences.len(),
        unknown: real.unknown.clone(),
    }
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

fn step_result(step: Option<&StepOutput>) -> String {
    match step {
        None => "not run".to_string(),
        Some(step) if step.ok => "ok".to_string(),
        Some(step) => format!(
            "failed: {}",
            step.error.as_deref().unwrap_or("no error named")
        ),
    }
}

fn steps_section(model: &[StepOutput], real: &[StepOutput]) -> Section {
    let rows = (0..model.len().max(real.len()))
        .map(|i| {
            let step = model.get(i).or_else(|| real.get(i));
            let what = step.map_or(String::new(), |step| match &step.actor {
                Some(actor) => format!("{actor}: {}", step.op),
                None => step.op.clone(),
            });
            Row::new(
                format!("Step {} · {what}", i + 1),
                step_result(model.get(i)),
                step_result(real.get(i)),
                vec![format!("steps[{i}]")],
            )
        })
        .collect();
    Section {
        title: "Steps".to_string(),
        rows,
    }
}

fn entry_text(entry: Option<&LogEntryOut>) -> String {
    let Some(entry) = entry else {
        return "—".to_string();
    };
    let what = match entry.kind.as_str() {
        "record" => format!(
            "record {}",
            entry
                .value
                .as_deref()
                .map_or("(no value)".to_string(), short_value)
        ),
        "commit_marker" => "commit marker".to_string(),
        "abort_marker" => "abort marker".to_string(),
        other => other.replace('_', " "),
    };
    match entry.transaction.as_str() {
        "none" | "" => what,
        status => format!("{what} · {status}"),
    }
}

fn partition_sections(model: &Output, real: &RealRun) -> Vec<Section> {
    let find = |parts: &[PartitionOut], topic: &str, partition: u32| {
        parts
            .iter()
            .find(|p| p.topic == topic && p.partition == partition)
            .cloned()
    };
    let keys = distinct(
        model
            .final_state
            .partitions
            .iter()
            .chain(&real.final_state.partitions)
            .map(|p| (p.topic.clone(), p.partition)),
    );
    keys.into_iter()
        .map(|(topic, partition)| {
            let name = format!("{topic}/{partition}");
            let key = format!("partitions[{name}]");
            let m = find(&model.final_state.partitions, &topic, partition);
            let r = find(&real.final_state.partitions, &topic, partition);
            let number = |p: &Option<PartitionOut>, f: fn(&PartitionOut) -> u64| {
                p.as_ref().map_or("—".to_string(), |p| f(p).to_string())
            };
            let mut rows = vec![
                Row::new(
                    "High watermark",
                    number(&m, |p| p.high_watermark),
                    number(&r, |p| p.high_watermark),
                    vec![format!("{key}.high_watermark")],
                ),
                Row::new(
                    "Last stable offset",
                    number(&m, |p| p.last_stable_offset),
                    number(&r, |p| p.last_stable_offset),
                    vec![format!("{key}.last_stable_offset")],
                ),
            ];
            let log =
                |p: &Option<PartitionOut>| p.as_ref().map(|p| p.log.clone()).unwrap_or_default();
            let (model_log, real_log) = (log(&m), log(&r));
            let mut offsets: Vec<u64> = model_log
                .iter()
                .chain(&real_log)
                .map(|e| e.offset)
                .collect();
            offsets.sort_unstable();
            offsets.dedup();
            rows.extend(offsets.into_iter().map(|offset| {
                let at = |log: &[LogEntryOut]| log.iter().find(|e| e.offset == offset).cloned();
                Row::new(
                    format!("Offset {offset}"),
                    entry_text(at(&model_log).as_ref()),
                    entry_text(at(&real_log).as_ref()),
                    vec![format!("{key}.log[{offset}]")],
                )
            }));
            // A difference about the log as a whole (its length) belongs to the partition too.
            rows.push(Row::new(
                "Log entries",
                model_log.len().to_string(),
                real_log.len().to_string(),
                vec![format!("{key}.log"), key.clone()],
            ));
            Section {
                title: format!("Partition {name}"),
                rows,
            }
        })
        .collect()
}

fn committed_section(model: &Output, real: &RealRun) -> Section {
    let committed =
        |state: &kafka_model::output::FinalState, group: &str, topic: &str, partition: u32| {
            state
                .groups
                .iter()
                .find(|g| g.group_id == group)
                .and_then(|g| {
                    g.committed
                        .iter()
                        .find(|c| c.topic == topic && c.partition == partition)
                })
                .map_or("none".to_string(), |c| c.offset.to_string())
        };
    let keys = distinct(
        model
            .final_state
            .groups
            .iter()
            .chain(&real.final_state.groups)
            .flat_map(|g| {
                g.committed
                    .iter()
                    .map(|c| (g.group_id.clone(), c.topic.clone(), c.partition))
            }),
    );
    let rows = keys
        .into_iter()
        .map(|(group, topic, partition)| {
            Row::new(
                format!("{group} · {topic}/{partition}"),
                committed(&model.final_state, &group, &topic, partition),
                committed(&real.final_state, &group, &topic, partition),
                vec![format!("groups[{group}].committed[{topic}/{partition}]")],
            )
        })
        .collect();
    Section {
        title: "Committed offsets".to_string(),
        rows,
    }
}

/// A producer's row: its label, its field in `compare`'s paths, and how to read it.
type ProducerField = (
    &'static str,
    &'static str,
    fn(&kafka_model::output::ProducerOut) -> Option<String>,
);

fn producers_section(model: &Output, real: &RealRun) -> Section {
    let ids = distinct(
        model
            .final_state
            .producers
            .iter()
            .chain(&real.final_state.producers)
            .map(|p| p.id.clone()),
    );
    let mut rows = Vec::new();
    for id in ids {
        let m = model.final_state.producers.iter().find(|p| p.id == id);
        let r = real.final_state.producers.iter().find(|p| p.id == id);
        let keys = |field: &str| vec![format!("producers[{id}].{field}")];
        let show = |value: Option<String>| value.unwrap_or_else(|| "none".to_string());
        let fields: [ProducerField; 4] = [
            ("producer id", "producer_id", |p| {
                p.producer_id.map(|v| v.to_string())
            }),
            ("epoch", "producer_epoch", |p| {
                p.producer_epoch.map(|v| v.to_string())
            }),
            ("state", "state", |p| Some(p.state.clone())),
            ("transaction", "transaction_state", |p| {
                p.transaction_state.clone()
            }),
        ];
        for (label, field, get) in fields {
            rows.push(Row::new(
                format!("{id}: {label}"),
                m.map_or("—".to_string(), |p| show(get(p))),
                r.map_or("—".to_string(), |p| show(get(p))),
                keys(field),
            ));
        }
    }
    Section {
        title: "Producers".to_string(),
        rows,
    }
}

fn database_section(model: &Output, real: &RealRun) -> Section {
    let values = distinct(
        model
            .ledger
            .iter()
            .map(|row| row.value.clone())
            .chain(real.database.iter().map(|row| row.value.clone())),
    );
    let rows = values
        .into_iter()
        .filter_map(|value| {
            let model_count = model
                .ledger
                .iter()
                .find(|row| row.value == value)
                .map_or(0, |row| row.processed);
            let real_count = real
                .database
                .iter()
                .filter(|row| row.value == value)
                .count();
            // Messages nobody processed on either side say nothing about the database.
            (model_count > 0 || real_count > 0).then(|| {
                Row::new(
                    format!("{} processed", short_value(&value)),
                    times(model_count as usize),
                    times(real_count),
                    vec![
                        format!("ledger[{value}].processed"),
                        format!("database[{value}]"),
                    ],
                )
            })
        })
        .collect();
    Section {
        title: "Database: times each message was processed".to_string(),
        rows,
    }
}

fn times(count: usize) -> String {
    match count {
        1 => "once".to_string(),
        n => format!("{n} times"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::contract::DatabaseRow;

    const SCENARIO: &str = r#"{
      "title": "t", "flavor": "kafka-python", "seed": 1,
      "topics": [{ "name": "orders", "partitions": 1, "replication.factor": 1 }],
      "producers": [{ "id": "producer", "config": { "enable.idempotence": true, "acks": "all" } }],
      "consumers": [{ "id": "worker", "subscribe": ["orders"],
        "config": { "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest" } }],
      "steps": [
        { "actor": "producer", "op": "send", "topic": "orders", "value": "a" },
        { "actor": "producer", "op": "flush" },
        { "actor": "worker", "op": "poll" },
        { "actor": "worker", "op": "process" },
        { "actor": "worker", "op": "commit" }
      ]
    }"#;

    fn model() -> Output {
        kafka_model::run_json(SCENARIO).unwrap()
    }

    fn real_from(model: &Output) -> RealRun {
        RealRun {
            steps: model.steps.clone(),
            final_state: model.final_state.clone(),
            unknown: vec![],
            database: vec![DatabaseRow {
                consumer: "worker".into(),
                group_id: "g".into(),
                topic: "orders".into(),
                partition: 0,
                offset: 0,
                value: "a".into(),
            }],
        }
    }

    fn row<'a>(c: &'a Comparison, section: &str, label: &str) -> &'a Row {
        c.sections
            .iter()
            .find(|s| s.title.starts_with(section))
            .and_then(|s| s.rows.iter().find(|r| r.label == label))
            .unwrap_or_else(|| panic!("no row {label} in {section}: {c:#?}"))
    }

    #[test]
    fn the_same_state_is_identical_and_laid_out_side_by_side() {
        let model = model();
        let real = real_from(&model);
        let c = comparison(&model, &real, &[]);
        assert!(c.identical());
        assert_eq!(row(&c, "Steps", "Step 5 · worker: commit").real, "ok");
        let hw = row(&c, "Partition orders/0", "High watermark");
        assert_eq!((hw.model.as_str(), hw.real.as_str()), ("1", "1"));
        assert_eq!(row(&c, "Partition orders/0", "Offset 0").real, "record a");
        assert_eq!(row(&c, "Committed offsets", "g · orders/0").real, "1");
        assert_eq!(row(&c, "Database", "a processed").real, "once");
        assert_eq!(row(&c, "Producers", "producer: epoch").model, "0");
    }

    #[test]
    fn differences_land_on_their_rows_and_the_rest_are_listed() {
        let model = model();
        let mut real = real_from(&model);
        real.final_state.partitions[0].high_watermark = 2;
        real.steps[4].ok = false;
        real.steps[4].error = Some("CommitFailed".into());
        let differences = vec![
            Difference {
                path: "partitions[orders/0].high_watermark".into(),
                model: "1".into(),
                real: "2".into(),
            },
            Difference {
                path: "steps[4].error".into(),
                model: "null".into(),
                real: "CommitFailed".into(),
            },
            Difference {
                path: "groups[g].committed[orders/0]".into(),
                model: "1".into(),
                real: "0".into(),
            },
            Difference {
                path: "consumers[worker].state".into(),
                model: "running".into(),
                real: "stopped".into(),
            },
        ];
        let c = comparison(&model, &real, &differences);
        assert_eq!(c.differences, 4);
        assert!(row(&c, "Partition", "High watermark").differs());
        assert!(!row(&c, "Partition", "Last stable offset").differs());
        let step = row(&c, "Steps", "Step 5 · worker: commit");
        assert!(step.differs());
        assert_eq!(step.real, "failed: CommitFailed");
        assert!(row(&c, "Committed offsets", "g · orders/0").differs());
        assert_eq!(c.other.len(), 1, "the consumer state has no row");
    }

    #[test]
    fn every_difference_compare_finds_lands_on_the_row_that_shows_it() {
        let model = model();
        let mut real = real_from(&model);
        real.final_state.partitions[0].log[0].transaction = "aborted".into();
        real.final_state.groups[0].committed.clear();
        real.final_state.producers[0].producer_epoch = Some(3);
        real.database.clear();
        let differences = crate::live::contract::compare(&model, &real);
        assert_eq!(differences.len(), 4, "{differences:#?}");
        let c = comparison(&model, &real, &differences);
        assert!(row(&c, "Partition", "Offset 0").differs());
        assert_eq!(row(&c, "Partition", "Offset 0").real, "record a · aborted");
        assert!(row(&c, "Committed offsets", "g · orders/0").differs());
        assert_eq!(row(&c, "Committed offsets", "g · orders/0").real, "none");
        assert!(row(&c, "Producers", "producer: epoch").differs());
        assert!(row(&c, "Database", "a processed").differs());
        assert!(c.other.is_empty(), "{:#?}", c.other);
    }

    #[test]
    fn what_the_proxy_cannot_observe_reads_unknown() {
        let model = model();
        let mut real = real_from(&model);
        real.unknown = vec![
            "producers[0].transaction_state".into(),
            "partitions[orders/0].last_stable_offset".into(),
            "partitions[0].replica_states".into(),
        ];
        let c = comparison(&model, &real, &[]);
        let txn = row(&c, "Producers", "producer: transaction");
        assert!(txn.unknown);
        assert_eq!(txn.real, "unknown");
        assert_eq!(row(&c, "Partition", "Last stable offset").real, "unknown");
        assert!(!row(&c, "Partition", "High watermark").unknown);
        assert!(
            !row(&c, "Partition", "Log entries").unknown,
            "replicas are not the log"
        );
    }

    #[test]
    fn a_value_processed_only_on_one_side_shows_on_both() {
        let model = model();
        let mut real = real_from(&model);
        real.database.push(DatabaseRow {
            value: "a".into(),
            ..real.database[0].clone()
        });
        let c = comparison(&model, &real, &[]);
        let a = row(&c, "Database", "a processed");
        assert_eq!((a.model.as_str(), a.real.as_str()), ("once", "2 times"));
    }
}
