//! Reads the proxy's answer to `POST /v1/run` into [`RealRun`] by hand, from a `serde_json::Value`.
//!
//! `serde_json::from_str::<RealRun>` would do the same, but its derived visitors for the dozen structs of the
//! `final` section cost about 28 KB of the compressed WebAssembly, a tenth of the course's download budget;
//! parsing to a `Value` is already in the app, and these readers are a few KB. The native tests check that
//! both read the same thing. Fields the contract marks `#[serde(default)]` may be missing; the others are
//! required, and a missing or mistyped one is named in the error.

use kafka_model::config::Assignor;
use kafka_model::consumer::ConsumerState;
use kafka_model::op::Op;
use kafka_model::output::{
    BrokerOut, ConsumerOut, FinalState, GroupOut, LogEntryOut, MemberOut, PartitionOut,
    PendingOffsetOut, ProducerOut, ReplicaOut, StepOutput, TopicPartitionOffset, TopicPartitionOut,
    TransactionOut,
};
use kafka_model::partition_log::{EntryKind, TxnStatus};
use kafka_model::producer::ProducerState;
use kafka_model::real_run::{DatabaseRow, RealRun};
use kafka_model::transaction_coordinator::TxnState;
use serde_json::{Map, Value};

type Object = Map<String, Value>;
type Read<T> = Result<T, String>;

pub fn read_real_run(text: &str) -> Read<RealRun> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let run = object(&value, "the answer")?;
    let state = object(run.get("final").unwrap_or(&Value::Null), "final")?;
    Ok(RealRun {
        steps: list(run, "steps", step)?,
        final_state: final_state(state)?,
        unknown: list_or_empty(run, "unknown", |v| text_value(v, "unknown"))?,
        database: list_or_empty(run, "database", database_row)?,
    })
}

fn object<'a>(value: &'a Value, what: &str) -> Read<&'a Object> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} is not an object"))
}

/// A field that is present and not `null`.
fn field<'a>(o: &'a Object, name: &str) -> Option<&'a Value> {
    o.get(name).filter(|v| !v.is_null())
}

fn text_value(value: &Value, name: &str) -> Read<String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("`{name}` is not text"))
}

fn text(o: &Object, name: &str) -> Read<String> {
    text_value(
        field(o, name).ok_or_else(|| format!("`{name}` is missing"))?,
        name,
    )
}

fn optional_text(o: &Object, name: &str) -> Read<Option<String>> {
    field(o, name).map(|v| text_value(v, name)).transpose()
}

/// One of the contract's names (a state, a kind), read into its enum.
fn named_value<T>(value: &Value, name: &str, from_name: fn(&str) -> Option<T>) -> Read<T> {
    let text = text_value(value, name)?;
    from_name(&text).ok_or_else(|| format!("`{name}` is not a known name: \"{text}\""))
}

fn named<T>(o: &Object, name: &str, from_name: fn(&str) -> Option<T>) -> Read<T> {
    let value = field(o, name).ok_or_else(|| format!("`{name}` is missing"))?;
    named_value(value, name, from_name)
}

fn optional_named<T>(o: &Object, name: &str, from_name: fn(&str) -> Option<T>) -> Read<Option<T>> {
    field(o, name)
        .map(|v| named_value(v, name, from_name))
        .transpose()
}

fn number_value<T: TryFrom<u64>>(value: &Value, name: &str) -> Read<T> {
    value
        .as_u64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("`{name}` is not a number in range"))
}

fn number<T: TryFrom<u64>>(o: &Object, name: &str) -> Read<T> {
    number_value(
        field(o, name).ok_or_else(|| format!("`{name}` is missing"))?,
        name,
    )
}

fn optional_number<T: TryFrom<u64>>(o: &Object, name: &str) -> Read<Option<T>> {
    field(o, name).map(|v| number_value(v, name)).transpose()
}

fn boolean(o: &Object, name: &str) -> Read<bool> {
    field(o, name)
        .and_then(Value::as_bool)
        .ok_or_else(|| format!("`{name}` is missing or not true/false"))
}

fn items<T>(value: &Value, name: &str, read: fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    let values = value
        .as_array()
        .ok_or_else(|| format!("`{name}` is not a list"))?;
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        out.push(read(value).map_err(|e| format!("in `{name}`: {e}"))?);
    }
    Ok(out)
}

fn list<T>(o: &Object, name: &str, read: fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    items(
        o.get(name).ok_or_else(|| format!("`{name}` is missing"))?,
        name,
        read,
    )
}

/// A `#[serde(default)]` list: missing or `null` is empty.
fn list_or_empty<T>(o: &Object, name: &str, read: fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    field(o, name).map_or(Ok(Vec::new()), |v| items(v, name, read))
}

fn step(value: &Value) -> Read<StepOutput> {
    let o = object(value, "a step")?;
    Ok(StepOutput {
        index: number(o, "index")?,
        actor: optional_text(o, "actor")?,
        op: named(o, "op", Op::from_name)?,
        ok: boolean(o, "ok")?,
        error: optional_text(o, "error")?,
        events: list(o, "events", |v| text_value(v, "events"))?,
        changes: list(o, "changes", |v| Ok(v.clone()))?,
    })
}

fn database_row(value: &Value) -> Read<DatabaseRow> {
    let o = object(value, "a database row")?;
    Ok(DatabaseRow {
        consumer: text(o, "consumer")?,
        group_id: text(o, "group_id")?,
        topic: text(o, "topic")?,
        partition: number(o, "partition")?,
        offset: number(o, "offset")?,
        value: text(o, "value")?,
    })
}

fn final_state(o: &Object) -> Read<FinalState> {
    Ok(FinalState {
        partitions: list(o, "partitions", partition)?,
        groups: list(o, "groups", group)?,
        producers: list(o, "producers", producer)?,
        consumers: list(o, "consumers", consumer)?,
        transactions: list_or_empty(o, "transactions", transaction)?,
        brokers: list_or_empty(o, "brokers", broker)?,
    })
}

fn partition(value: &Value) -> Read<PartitionOut> {
    let o = object(value, "a partition")?;
    Ok(PartitionOut {
        topic: text(o, "topic")?,
        partition: number(o, "partition")?,
        high_watermark: number(o, "high_watermark")?,
        last_stable_offset: number(o, "last_stable_offset")?,
        log: list(o, "log", log_entry)?,
        leader: optional_number(o, "leader")?,
        replicas: list_or_empty(o, "replicas", |v| number_value(v, "replicas"))?,
        isr: list_or_empty(o, "isr", |v| number_value(v, "isr"))?,
        replica_states: list_or_empty(o, "replica_states", replica)?,
    })
}

fn log_entry(value: &Value) -> Read<LogEntryOut> {
    let o = object(value, "a log entry")?;
    Ok(LogEntryOut {
        offset: number(o, "offset")?,
        kind: named(o, "kind", EntryKind::from_name)?,
        value: optional_text(o, "value")?,
        producer_id: optional_number(o, "producer_id")?,
        producer_epoch: optional_number(o, "producer_epoch")?,
        sequence: optional_number(o, "sequence")?,
        transaction: named(o, "transaction", TxnStatus::from_name)?,
    })
}

fn replica(value: &Value) -> Read<ReplicaOut> {
    let o = object(value, "a replica")?;
    Ok(ReplicaOut {
        broker: number(o, "broker")?,
        log_end_offset: number(o, "log_end_offset")?,
        alive: boolean(o, "alive")?,
        in_sync: boolean(o, "in_sync")?,
    })
}

fn offset(value: &Value) -> Read<TopicPartitionOffset> {
    let o = object(value, "an offset")?;
    Ok(TopicPartitionOffset {
        topic: text(o, "topic")?,
        partition: number(o, "partition")?,
        offset: number(o, "offset")?,
    })
}

fn group(value: &Value) -> Read<GroupOut> {
    let o = object(value, "a group")?;
    Ok(GroupOut {
        group_id: text(o, "group_id")?,
        committed: list(o, "committed", offset)?,
        pending: list(o, "pending", offset)?,
        generation: optional_number(o, "generation")?.unwrap_or(0),
        rebalancing: field(o, "rebalancing").is_some() && boolean(o, "rebalancing")?,
        assignor: optional_named(o, "assignor", Assignor::from_name)?,
        members: list_or_empty(o, "members", |v| {
            let o = object(v, "a member")?;
            Ok(MemberOut {
                consumer: text(o, "consumer")?,
                group_instance_id: optional_text(o, "group_instance_id")?,
                alive: boolean(o, "alive")?,
                partitions: list(o, "partitions", topic_partition)?,
            })
        })?,
    })
}

fn producer(value: &Value) -> Read<ProducerOut> {
    let o = object(value, "a producer")?;
    Ok(ProducerOut {
        id: text(o, "id")?,
        producer_id: optional_number(o, "producer_id")?,
        producer_epoch: optional_number(o, "producer_epoch")?,
        transactional_id: optional_text(o, "transactional_id")?,
        state: named(o, "state", ProducerState::from_name)?,
        transaction_state: optional_named(o, "transaction_state", TxnState::from_name)?,
    })
}

fn consumer(value: &Value) -> Read<ConsumerOut> {
    let o = object(value, "a consumer")?;
    Ok(ConsumerOut {
        id: text(o, "id")?,
        state: named(o, "state", ConsumerState::from_name)?,
        positions: list(o, "positions", offset)?,
        assignment: list_or_empty(o, "assignment", topic_partition)?,
    })
}

fn topic_partition(value: &Value) -> Read<TopicPartitionOut> {
    let o = object(value, "a partition")?;
    Ok(TopicPartitionOut {
        topic: text(o, "topic")?,
        partition: number(o, "partition")?,
    })
}

fn transaction(value: &Value) -> Read<TransactionOut> {
    let o = object(value, "a transaction")?;
    Ok(TransactionOut {
        transactional_id: text(o, "transactional_id")?,
        producer_id: number(o, "producer_id")?,
        producer_epoch: number(o, "producer_epoch")?,
        state: named(o, "state", TxnState::from_name)?,
        partitions: list(o, "partitions", topic_partition)?,
        groups: list(o, "groups", |v| text_value(v, "groups"))?,
        pending_offsets: list(o, "pending_offsets", |v| {
            let o = object(v, "a pending offset")?;
            Ok(PendingOffsetOut {
                group_id: text(o, "group_id")?,
                topic: text(o, "topic")?,
                partition: number(o, "partition")?,
                offset: number(o, "offset")?,
            })
        })?,
    })
}

fn broker(value: &Value) -> Read<BrokerOut> {
    let o = object(value, "a broker")?;
    Ok(BrokerOut {
        broker: number(o, "broker")?,
        alive: boolean(o, "alive")?,
        replication_paused: boolean(o, "replication_paused")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lesson's whole run, as the proxy would answer it, reads back the same as serde reads it.
    #[test]
    fn reads_what_serde_writes_for_every_lesson() {
        let mut lessons = 0;
        for entry in crate::catalog::course().iter() {
            let Some(lesson) = &entry.lesson else {
                continue;
            };
            let Ok(timeline) = lesson.timeline() else {
                continue;
            };
            let model = crate::live::model_run::model_output(&{
                let mut t = timeline;
                t.jump(t.len());
                t
            });
            let real = RealRun {
                steps: model.steps.clone(),
                final_state: model.final_state.clone(),
                unknown: vec!["producers[0].transaction_state".into()],
                database: vec![DatabaseRow {
                    consumer: "worker".into(),
                    group_id: "g".into(),
                    topic: "orders".into(),
                    partition: 0,
                    offset: 3,
                    value: "{\"order_id\": 3}".into(),
                }],
            };
            let text = serde_json::to_string(&real).unwrap();
            assert_eq!(read_real_run(&text), Ok(real), "lesson {}", entry.id);
            lessons += 1;
        }
        assert!(lessons >= 5, "only {lessons} lessons were read");
    }

    #[test]
    fn defaults_may_be_missing_and_required_fields_are_named() {
        let minimal = r#"{"steps": [], "final": {"partitions": [], "groups": [], "producers": [], "consumers": []}}"#;
        let run = read_real_run(minimal).unwrap();
        assert!(run.unknown.is_empty() && run.database.is_empty());
        let broken = r#"{"steps": [], "final": {"partitions": [{"topic": "orders", "partition": 0}],
            "groups": [], "producers": [], "consumers": []}}"#;
        assert_eq!(
            read_real_run(broken),
            Err("in `partitions`: `high_watermark` is missing".to_string())
        );
        assert!(read_real_run("[]").is_err());
        assert!(read_real_run("not json").is_err());
    }
}
