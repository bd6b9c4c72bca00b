//! The comparison of a model run with a real cluster's run of the same steps (real-cluster mode).

use kafka_model::compare::{compare, Comparison, Difference, Row};
use kafka_model::output::Output;
use kafka_model::partition_log::TxnStatus;
use kafka_model::real_run::{DatabaseRow, RealRun};
use kafka_model::run_json;
use kafka_model::transaction_coordinator::TxnState;

/// The transactional golden scenario: records with producer ids, markers, a group and a transaction.
fn model_run() -> Output {
    let text = include_str!("golden/i-corrected-exactly-once-loop.json");
    run_json(text).expect("the golden scenario runs")
}

/// A real run that saw exactly what the model says, with the processed side effects as database rows.
fn as_real(model: &Output) -> RealRun {
    let database = model
        .ledger
        .iter()
        .flat_map(|row| {
            (0..row.processed).map(|i| DatabaseRow {
                consumer: "worker".to_owned(),
                group_id: "group".to_owned(),
                topic: "orders".to_owned(),
                partition: 0,
                offset: u64::from(i),
                value: row.value.clone(),
            })
        })
        .collect();
    RealRun {
        steps: model.steps.clone(),
        final_state: model.final_state.clone(),
        unknown: Vec::new(),
        database,
    }
}

fn differences(comparison: &Comparison) -> Vec<Difference> {
    comparison.differences().cloned().collect()
}

fn paths(comparison: &Comparison) -> Vec<String> {
    comparison.differences().map(|d| d.path.clone()).collect()
}

fn row<'a>(c: &'a Comparison, section: &str, label: &str) -> &'a Row {
    c.sections
        .iter()
        .find(|s| s.title.starts_with(section))
        .and_then(|s| s.rows.iter().find(|r| r.label == label))
        .unwrap_or_else(|| panic!("no row {label} in {section}: {c:#?}"))
}

#[test]
fn the_same_run_has_no_difference() {
    let model = model_run();
    assert!(model.final_state.transactions.len() == 1 && !model.ledger.is_empty());
    assert!(compare(&model, &as_real(&model)).identical());
}

#[test]
fn each_observable_field_that_differs_is_named_by_key() {
    let model = model_run();
    let mut real = as_real(&model);
    let partition = &mut real.final_state.partitions[0];
    let (topic, p) = (partition.topic.clone(), partition.partition);
    partition.high_watermark += 1;
    partition.log[1].transaction = TxnStatus::Aborted;
    real.steps[2].ok = false;
    real.steps[2].error = Some("InvalidTxnState".to_owned());
    real.final_state.groups[0].committed[0].offset = 3;
    real.final_state.transactions[0].state = TxnState::Ongoing;
    real.database.pop();

    let comparison = compare(&model, &real);
    let group = &model.final_state.groups[0].group_id;
    let tid = &model.final_state.transactions[0].transactional_id;
    let last = &model
        .ledger
        .iter()
        .rev()
        .find(|r| r.processed > 0)
        .unwrap()
        .value;
    assert_eq!(
        paths(&comparison),
        vec![
            "steps[2].ok".to_owned(),
            "steps[2].error".to_owned(),
            format!("partitions[{topic}/{p}].high_watermark"),
            format!("partitions[{topic}/{p}].log[1].transaction"),
            format!("groups[{group}].committed[orders/0]"),
            format!("transactions[{tid}].state"),
            format!("ledger[{last}].processed"),
        ]
    );
    let hw = &differences(&comparison)[2];
    assert_eq!(
        hw.model,
        model.final_state.partitions[0].high_watermark.to_string()
    );
    assert_eq!(
        hw.real,
        (model.final_state.partitions[0].high_watermark + 1).to_string()
    );
}

#[test]
fn producer_ids_are_compared_as_a_correspondence() {
    let model = model_run();
    let mut renumbered = as_real(&model);
    let shift = |id: &mut Option<u64>| *id = id.map(|id| id + 1000);
    for partition in &mut renumbered.final_state.partitions {
        for entry in &mut partition.log {
            shift(&mut entry.producer_id);
        }
    }
    for producer in &mut renumbered.final_state.producers {
        shift(&mut producer.producer_id);
    }
    for txn in &mut renumbered.final_state.transactions {
        txn.producer_id += 1000;
    }
    assert!(
        compare(&model, &renumbered).identical(),
        "the cluster numbers producers its own way"
    );

    // One real id standing for two model producers is a real difference.
    let mut merged = as_real(&model);
    let log = &mut merged
        .final_state
        .partitions
        .iter_mut()
        .find(|p| p.log.iter().any(|e| e.producer_id.is_some()))
        .unwrap()
        .log;
    let first_pid = log.iter().find_map(|e| e.producer_id);
    let other = log
        .iter_mut()
        .find(|e| e.producer_id.is_some() && e.producer_id != first_pid);
    if let Some(entry) = other {
        entry.producer_id = first_pid;
        assert_eq!(differences(&compare(&model, &merged)).len(), 1);
    } else {
        // A single producer in the log: renumber one record alone instead.
        let entry = log
            .iter_mut()
            .rev()
            .find(|e| e.producer_id.is_some())
            .unwrap();
        entry.producer_id = entry.producer_id.map(|id| id + 1);
        let differences = differences(&compare(&model, &merged));
        assert_eq!(differences.len(), 1);
        assert!(
            differences[0].path.ends_with(".producer_id"),
            "{differences:?}"
        );
    }
}

#[test]
fn what_the_real_side_could_not_observe_is_not_a_difference() {
    let model = model_run();
    let mut real = as_real(&model);
    let index = real
        .final_state
        .producers
        .iter()
        .position(|p| p.producer_epoch.is_some())
        .unwrap();
    real.final_state.producers[index].producer_epoch = None;
    let id = real.final_state.producers[index].id.clone();
    assert_eq!(
        paths(&compare(&model, &real)),
        vec![format!("producers[{id}].producer_epoch")]
    );

    // Listed by position, as the proxy lists it, or by key: both are skipped.
    real.unknown = vec![format!("producers[{index}].producer_epoch")];
    let c = compare(&model, &real);
    assert!(c.identical());
    let epoch = row(&c, "Producers", &format!("{id}: epoch"));
    assert!(epoch.unknown);
    assert_eq!(epoch.real, "unknown");
    assert!(!row(&c, "Producers", &format!("{id}: state")).unknown);
    real.unknown = vec![format!("producers[{id}]")];
    assert!(compare(&model, &real).identical());
}

/// The sandbox's starter run, small enough to name every row.
fn starter() -> Output {
    run_json(
        r#"{
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
    }"#,
    )
    .expect("a valid scenario")
}

#[test]
fn the_rows_lay_both_sides_out_side_by_side() {
    let model = starter();
    let c = compare(&model, &as_real(&model));
    assert_eq!(row(&c, "Steps", "Step 5 · worker: commit").real, "ok");
    let hw = row(&c, "Partition orders/0", "High watermark");
    assert_eq!((hw.model.as_str(), hw.real.as_str()), ("1", "1"));
    assert_eq!(row(&c, "Partition orders/0", "Offset 0").real, "record a");
    assert_eq!(row(&c, "Committed offsets", "g · orders/0").real, "1");
    assert_eq!(row(&c, "Database", "a processed").real, "once");
    assert_eq!(row(&c, "Producers", "producer: epoch").model, "0");
    assert_eq!(
        row(&c, "Consumers", "worker: position in orders/0").real,
        "1"
    );
}

#[test]
fn each_difference_sits_on_the_row_that_shows_it() {
    let model = starter();
    let mut real = as_real(&model);
    real.final_state.partitions[0].high_watermark = 2;
    real.final_state.partitions[0].log[0].transaction = TxnStatus::Aborted;
    real.steps[4].ok = false;
    real.steps[4].error = Some("CommitFailed".into());
    real.final_state.groups[0].committed.clear();
    real.final_state.producers[0].producer_epoch = Some(3);
    real.final_state.consumers[0].positions[0].offset = 0;
    real.database.push(real.database[0].clone());
    let c = compare(&model, &real);
    assert!(row(&c, "Partition", "High watermark").differs());
    assert!(!row(&c, "Partition", "Last stable offset").differs());
    let step = row(&c, "Steps", "Step 5 · worker: commit");
    assert_eq!(step.real, "failed: CommitFailed");
    assert_eq!(step.differences.len(), 2, "ok and error");
    let entry = row(&c, "Partition", "Offset 0");
    assert_eq!(entry.real, "record a · aborted");
    assert_eq!(
        entry.differences[0].path,
        "partitions[orders/0].log[0].transaction"
    );
    let committed = row(&c, "Committed offsets", "g · orders/0");
    assert_eq!(
        (committed.model.as_str(), committed.real.as_str()),
        ("1", "none")
    );
    assert!(committed.differs());
    assert!(row(&c, "Producers", "producer: epoch").differs());
    assert!(row(&c, "Consumers", "worker: position in orders/0").differs());
    let a = row(&c, "Database", "a processed");
    assert_eq!((a.model.as_str(), a.real.as_str()), ("once", "2 times"));
    let rows_that_differ = c
        .sections
        .iter()
        .flat_map(|s| &s.rows)
        .filter(|r| r.differs())
        .count();
    assert_eq!(rows_that_differ, 7);
}

#[test]
fn a_partition_the_real_side_lacks_reads_as_missing() {
    let model = starter();
    let mut real = as_real(&model);
    real.final_state.partitions.clear();
    let c = compare(&model, &real);
    let entries = row(&c, "Partition orders/0", "Log entries");
    assert_eq!((entries.model.as_str(), entries.real.as_str()), ("1", "0"));
    assert!(entries
        .differences
        .iter()
        .any(|d| d.path == "partitions[orders/0]" && d.real == "missing"));
}
