//! How a lesson's `Check` is read from its JSON. serde's own reading of an enum tagged by a field ("kind")
//! buffers every value before it knows the kind, and that generic code was the largest single function the
//! browser downloaded; this reads every field in one pass, then builds the kind named, refusing a field the
//! kind does not have just as the derived reader did.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::ledger::Label;
use crate::lesson::Check;
use crate::partition_log::{EntryKind, TxnStatus};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckFields {
    kind: String,
    group: Option<String>,
    topic: Option<String>,
    partition: Option<u32>,
    /// Given as `null` means "none committed", so given and absent differ.
    #[serde(default, deserialize_with = "given")]
    offset: Option<Option<u64>>,
    consumer: Option<String>,
    value: Option<String>,
    times: Option<u32>,
    label: Option<Label>,
    present: Option<bool>,
    count: Option<usize>,
    /// A consumer's, a producer's or a transaction's state, by the kind.
    state: Option<Value>,
    labels: Option<Vec<Label>>,
    committed: Option<u32>,
    entry: Option<EntryKind>,
    transaction: Option<TxnStatus>,
    high_watermark: Option<u64>,
    last_stable_offset: Option<u64>,
    leader: Option<u16>,
    offline: Option<bool>,
    isr: Option<Vec<u16>>,
    producer: Option<String>,
    producer_id: Option<u64>,
    epoch: Option<i16>,
    transactional_id: Option<String>,
    at_least_ms: Option<u64>,
}

fn given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

/// Each kind's fields, in the order the errors list them.
const KINDS: &[(&str, &[&str])] = &[
    ("committed", &["group", "topic", "partition", "offset"]),
    ("position", &["consumer", "topic", "partition", "offset"]),
    ("processed", &["value", "group", "times"]),
    ("label", &["value", "label", "present"]),
    ("records", &["topic", "partition", "count"]),
    ("consumer_state", &["consumer", "state"]),
    ("assigned", &["consumer", "topic", "partition", "present"]),
    ("clock", &["at_least_ms"]),
    ("all_labelled", &["labels"]),
    ("none_labelled", &["labels"]),
    ("all_copies", &["committed"]),
    ("delivered", &["value", "group", "times"]),
    ("sent", &["value", "times"]),
    ("copies", &["value", "committed"]),
    (
        "entry",
        &[
            "topic",
            "partition",
            "offset",
            "entry",
            "transaction",
            "value",
        ],
    ),
    (
        "partition",
        &[
            "topic",
            "partition",
            "high_watermark",
            "last_stable_offset",
            "leader",
            "offline",
            "isr",
        ],
    ),
    ("producer", &["producer", "state", "producer_id", "epoch"]),
    ("transaction", &["transactional_id", "state", "epoch"]),
];

impl CheckFields {
    /// The names of the fields given.
    fn given(&self) -> Vec<&'static str> {
        [
            ("group", self.group.is_some()),
            ("topic", self.topic.is_some()),
            ("partition", self.partition.is_some()),
            ("offset", self.offset.is_some()),
            ("consumer", self.consumer.is_some()),
            ("value", self.value.is_some()),
            ("times", self.times.is_some()),
            ("label", self.label.is_some()),
            ("present", self.present.is_some()),
            ("count", self.count.is_some()),
            ("state", self.state.is_some()),
            ("labels", self.labels.is_some()),
            ("committed", self.committed.is_some()),
            ("entry", self.entry.is_some()),
            ("transaction", self.transaction.is_some()),
            ("high_watermark", self.high_watermark.is_some()),
            ("last_stable_offset", self.last_stable_offset.is_some()),
            ("leader", self.leader.is_some()),
            ("offline", self.offline.is_some()),
            ("isr", self.isr.is_some()),
            ("producer", self.producer.is_some()),
            ("producer_id", self.producer_id.is_some()),
            ("epoch", self.epoch.is_some()),
            ("transactional_id", self.transactional_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

fn need<T>(field: Option<T>, name: &str) -> Result<T, String> {
    field.ok_or_else(|| format!("missing field `{name}`"))
}

fn state<T: for<'de> Deserialize<'de>>(state: Option<Value>) -> Result<Option<T>, String> {
    state
        .map(T::deserialize)
        .transpose()
        .map_err(|e| e.to_string())
}

impl TryFrom<CheckFields> for Check {
    type Error = String;

    fn try_from(f: CheckFields) -> Result<Check, String> {
        let Some((kind, fields)) = KINDS.iter().find(|(kind, _)| *kind == f.kind) else {
            let kinds: Vec<String> = KINDS.iter().map(|(kind, _)| format!("`{kind}`")).collect();
            return Err(format!(
                "unknown variant `{}`, expected one of {}",
                f.kind,
                kinds.join(", ")
            ));
        };
        if let Some(stranger) = f.given().into_iter().find(|name| !fields.contains(name)) {
            let fields: Vec<String> = fields.iter().map(|name| format!("`{name}`")).collect();
            return Err(format!(
                "unknown field `{stranger}` in a `{kind}` check, expected one of {}",
                fields.join(", ")
            ));
        }
        // An offset given as null is "none" only where the kind allows it.
        let offset = |offset: Option<Option<u64>>| need(need(offset, "offset")?, "offset");
        Ok(match *kind {
            "committed" => Check::Committed {
                group: need(f.group, "group")?,
                topic: need(f.topic, "topic")?,
                partition: need(f.partition, "partition")?,
                offset: need(f.offset, "offset")?,
            },
            "position" => Check::Position {
                consumer: need(f.consumer, "consumer")?,
                topic: need(f.topic, "topic")?,
                partition: need(f.partition, "partition")?,
                offset: offset(f.offset)?,
            },
            "processed" => Check::Processed {
                value: need(f.value, "value")?,
                group: need(f.group, "group")?,
                times: need(f.times, "times")?,
            },
            "label" => Check::Label {
                value: need(f.value, "value")?,
                label: need(f.label, "label")?,
                present: need(f.present, "present")?,
            },
            "records" => Check::Records {
                topic: need(f.topic, "topic")?,
                partition: need(f.partition, "partition")?,
                count: need(f.count, "count")?,
            },
            "clock" => Check::Clock {
                at_least_ms: need(f.at_least_ms, "at_least_ms")?,
            },
            "assigned" => Check::Assigned {
                consumer: need(f.consumer, "consumer")?,
                topic: need(f.topic, "topic")?,
                partition: need(f.partition, "partition")?,
                present: need(f.present, "present")?,
            },
            "consumer_state" => Check::ConsumerState {
                consumer: need(f.consumer, "consumer")?,
                state: need(state(f.state)?, "state")?,
            },
            "all_labelled" => Check::AllLabelled {
                labels: need(f.labels, "labels")?,
            },
            "none_labelled" => Check::NoneLabelled {
                labels: need(f.labels, "labels")?,
            },
            "all_copies" => Check::AllCopies {
                committed: need(f.committed, "committed")?,
            },
            "delivered" => Check::Delivered {
                value: need(f.value, "value")?,
                group: need(f.group, "group")?,
                times: need(f.times, "times")?,
            },
            "sent" => Check::Sent {
                value: need(f.value, "value")?,
                times: need(f.times, "times")?,
            },
            "copies" => Check::Copies {
                value: need(f.value, "value")?,
                committed: need(f.committed, "committed")?,
            },
            "entry" => Check::Entry {
                topic: need(f.topic, "topic")?,
                partition: need(f.partition, "partition")?,
                offset: offset(f.offset)?,
                entry: need(f.entry, "entry")?,
                transaction: f.transaction,
                value: f.value,
            },
            "partition" => Check::Partition {
                topic: need(f.topic, "topic")?,
                partition: need(f.partition, "partition")?,
                high_watermark: f.high_watermark,
                last_stable_offset: f.last_stable_offset,
                leader: f.leader,
                offline: f.offline,
                isr: f.isr,
            },
            "producer" => Check::Producer {
                producer: need(f.producer, "producer")?,
                state: state(f.state)?,
                producer_id: f.producer_id,
                epoch: f.epoch,
            },
            _ => Check::Transaction {
                transactional_id: need(f.transactional_id, "transactional_id")?,
                state: state(f.state)?,
                epoch: f.epoch,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::lessons;

    fn read(json: &str) -> Result<Check, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn every_check_of_the_course_reads_back_what_it_writes() {
        for lesson in lessons() {
            let lesson = lesson.expect("lesson files are valid");
            let questions = lesson
                .script
                .iter()
                .filter_map(|entry| entry.question.as_ref());
            let checks = lesson.goal.checks.iter().chain(
                questions.flat_map(|question| question.choices.iter().map(|choice| &choice.check)),
            );
            for check in checks {
                let written = serde_json::to_string(check).unwrap();
                assert_eq!(read(&written).as_ref(), Ok(check), "{written}");
            }
        }
    }

    #[test]
    fn a_check_names_what_is_wrong_with_it() {
        assert!(read(
            r#"{"kind": "committed", "group": "g", "topic": "t", "partition": 0, "offset": null}"#
        )
        .is_ok());
        assert!(
            read(r#"{"kind": "committed", "group": "g", "topic": "t", "partition": 0}"#)
                .unwrap_err()
                .contains("missing field `offset`")
        );
        assert!(read(
            r#"{"kind": "position", "consumer": "c", "topic": "t", "partition": 0, "offset": null}"#
        )
        .unwrap_err()
        .contains("missing field `offset`"));
        assert!(
            read(r#"{"kind": "sent", "value": "a", "times": 1, "group": "g"}"#)
                .unwrap_err()
                .contains(
                    "unknown field `group` in a `sent` check, expected one of `value`, `times`"
                )
        );
        assert!(
            read(r#"{"kind": "sent", "value": "a", "times": 1, "colour": "red"}"#)
                .unwrap_err()
                .contains("unknown field `colour`")
        );
        assert!(read(r#"{"kind": "seen", "value": "a"}"#)
            .unwrap_err()
            .contains("unknown variant `seen`, expected one of `committed`, `position`"));
        assert!(read(r#"{"kind": "consumer_state", "consumer": "c", "state": "asleep"}"#).is_err());
    }
}
