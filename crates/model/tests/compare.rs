//! The comparison of a model run with a real cluster's run of the same steps (real-cluster mode).

use kafka_model::compare::{compare, Difference};
use kafka_model::output::Output;
use kafka_model::real_run::{DatabaseRow, RealRun};
use kafka_model::run_json;

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

fn paths(differences: &[Difference]) -> Vec<&str> {
    differences.iter().map(|d| d.path.as_str()).collect()
}

#[test]
fn the_same_run_has_no_difference() {
    let model = model_run();
    assert!(model.final_state.transactions.len() == 1 && !model.ledger.is_empty());
    assert_eq!(compare(&model, &as_real(&model)), vec![]);
}

#[test]
fn each_observable_field_that_differs_is_named_by_key() {
    let model = model_run();
    let mut real = as_real(&model);
    let partition = &mut real.final_state.partitions[0];
    let (topic, p) = (partition.topic.clone(), partition.partition);
    partition.high_watermark += 1;
    partition.log[1].transaction = "aborted".to_owned();
    real.steps[2].ok = false;
    real.steps[2].error = Some("InvalidTxnState".to_owned());
    real.final_state.groups[0].committed[0].offset = 3;
    real.final_state.transactions[0].state = "Ongoing".to_owned();
    real.database.pop();

    let differences = compare(&model, &real);
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
        paths(&differences),
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
    let hw = &differences[2];
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
    assert_eq!(
        compare(&model, &renumbered),
        vec![],
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
        assert_eq!(compare(&model, &merged).len(), 1);
    } else {
        // A single producer in the log: renumber one record alone instead.
        let entry = log
            .iter_mut()
            .rev()
            .find(|e| e.producer_id.is_some())
            .unwrap();
        entry.producer_id = entry.producer_id.map(|id| id + 1);
        let differences = compare(&model, &merged);
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
    assert_eq!(compare(&model, &real), vec![]);
    real.unknown = vec![format!("producers[{id}]")];
    assert_eq!(compare(&model, &real), vec![]);
}
