//! Arbitrary input never panics the runner; invalid input always gets an error that names where.

use kafka_model::ScenarioError;
use proptest::prelude::*;
use serde_json::{json, Value};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z.\\-_ ]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("send"),
            Just("poll"),
            Just("orders"),
            Just("worker"),
            Just("producer"),
            Just("advance"),
            Just("commit"),
            Just("process"),
            Just("seek"),
            Just("all"),
            Just("true")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("topics"),
                    Just("steps"),
                    Just("producers"),
                    Just("consumers"),
                    Just("op"),
                    Just("actor"),
                    Just("name"),
                    Just("partitions"),
                    Just("config"),
                    Just("id"),
                    Just("subscribe"),
                    Just("ms"),
                    Just("value"),
                    Just("topic"),
                    Just("partition"),
                    Just("offsets"),
                    Just("offset"),
                    Just("fail"),
                    Just("seed"),
                    Just("flavor"),
                    Just("group.id"),
                    Just("acks"),
                    Just("x")
                ]
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn valid() -> Value {
    json!({
        "flavor": "java", "seed": 3,
        "topics": [{ "name": "orders", "partitions": 2 }],
        "producers": [{ "id": "producer", "config": { "acks": "all" } }],
        "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": { "group.id": "g", "auto.offset.reset": "earliest" } }],
        "steps": [
            { "actor": "producer", "op": "send", "topic": "orders", "key": "k", "value": "v" },
            { "actor": "producer", "op": "lose_next_ack" },
            { "actor": "producer", "op": "flush" },
            { "actor": "worker", "op": "poll" },
            { "actor": "worker", "op": "process", "fail": false },
            { "actor": "worker", "op": "commit", "offsets": [{ "topic": "orders", "partition": 1, "offset": 1 }] },
            { "actor": "worker", "op": "seek", "topic": "orders", "partition": 1, "offset": 0 },
            { "op": "advance", "ms": 100 }
        ]
    })
}

/// Replace the value at a pseudo-random path of `v` with `with`.
fn mutate(v: &mut Value, mut choice: u64, with: Value) {
    let mut cur = v;
    loop {
        let n = match cur {
            Value::Array(a) if !a.is_empty() => a.len(),
            Value::Object(m) if !m.is_empty() => m.len(),
            _ => {
                *cur = with;
                return;
            }
        };
        if choice.is_multiple_of(4) {
            *cur = with;
            return;
        }
        let i = ((choice / 4) % n as u64) as usize;
        choice /= 4 * n as u64 + 1;
        cur = match cur {
            Value::Array(a) => &mut a[i],
            Value::Object(m) => m.values_mut().nth(i).expect("index in range"),
            _ => unreachable!(),
        };
    }
}

fn check(text: &str) -> Result<(), TestCaseError> {
    match kafka_model::run_json(text) {
        Ok(out) => {
            // Rendering never panics either.
            let _ = kafka_model::to_pretty_json(&out);
        }
        Err(ScenarioError::Invalid { path, message }) => {
            prop_assert!(!path.is_empty() && !message.is_empty());
            let names_a_place = path.starts_with("step ")
                || path.starts_with("scenario")
                || [
                    "title",
                    "description",
                    "flavor",
                    "seed",
                    "topics",
                    "producers",
                    "consumers",
                    "steps",
                ]
                .iter()
                .any(|f| path.starts_with(f));
            prop_assert!(
                names_a_place,
                "error without a field: {}: {}",
                path,
                message
            );
        }
        Err(ScenarioError::Json { line, .. }) => prop_assert!(line >= 1),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        check(&v.to_string())?;
    }

    #[test]
    fn mutated_valid_scenarios_never_panic(choice in any::<u64>(), with in arb_json()) {
        let mut v = valid();
        mutate(&mut v, choice, with);
        check(&v.to_string())?;
    }

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        check(&s)?;
    }

    #[test]
    fn truncated_valid_scenarios_never_panic(cut in 0usize..2000) {
        let text = valid().to_string();
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        check(&text[..cut])?;
    }
}

#[test]
fn the_valid_base_scenario_runs() {
    assert!(kafka_model::run_json(&valid().to_string()).is_ok());
}

fn arb_action() -> impl Strategy<Value = kafka_model::Action> {
    use kafka_model::ids::{ClientIdx, MessageId, Offset, TopicIdx, TopicPartition};
    use kafka_model::Action as A;
    let c = (0u16..3).prop_map(ClientIdx);
    let t = (0u16..3).prop_map(TopicIdx);
    let tp = (0u16..3, 0u32..4).prop_map(|(t, p)| TopicPartition::new(TopicIdx(t), p));
    let m = (0u32..6).prop_map(MessageId);
    prop_oneof![
        (
            c.clone(),
            t.clone(),
            prop::option::of(0u32..4),
            prop::option::of(m.clone()),
            m
        )
            .prop_map(|(producer, topic, partition, key, value)| A::ProducerSend {
                producer,
                topic,
                partition,
                key,
                value
            }),
        (c.clone(), t).prop_map(|(producer, topic)| A::ProducerSendNextOrder { producer, topic }),
        c.clone().prop_map(|producer| A::ProducerFlush { producer }),
        c.clone()
            .prop_map(|producer| A::ProducerLoseNextAck { producer }),
        c.clone().prop_map(|producer| A::ProducerCrash { producer }),
        c.clone()
            .prop_map(|producer| A::ProducerRestart { producer }),
        c.clone()
            .prop_map(|producer| A::ProducerInitTransactions { producer }),
        c.clone().prop_map(|consumer| A::ConsumerPoll { consumer }),
        (c.clone(), any::<bool>()).prop_map(|(consumer, fail)| A::ConsumerProcess {
            consumer,
            fail,
            idempotent: false
        }),
        (
            c.clone(),
            prop::option::of(prop::collection::vec((tp.clone(), 0u64..20), 0..3))
        )
            .prop_map(|(consumer, o)| A::ConsumerCommit {
                consumer,
                offsets: o.map(|v| v.into_iter().map(|(x, n)| (x, Offset(n))).collect())
            }),
        (c.clone(), tp, 0u64..30).prop_map(|(consumer, tp, o)| A::ConsumerSeek {
            consumer,
            tp,
            offset: Offset(o)
        }),
        c.clone().prop_map(|consumer| A::ConsumerClose { consumer }),
        c.clone().prop_map(|consumer| A::ConsumerCrash { consumer }),
        c.clone()
            .prop_map(|consumer| A::ConsumerRestart { consumer }),
        (0u64..60_000).prop_map(|ms| A::ClockAdvance { ms }),
        (0u16..3).prop_map(|broker| A::BrokerCrash { broker }),
        (0u16..4).prop_map(|broker| A::BrokerRestart { broker }),
        (0u16..4).prop_map(|broker| A::BrokerPauseReplication { broker }),
        (0u16..4).prop_map(|broker| A::BrokerResumeReplication { broker }),
        Just(A::ReplicationPause),
        Just(A::ReplicationResume),
        c.clone()
            .prop_map(|producer| A::ProducerBeginTransaction { producer }),
        c.clone()
            .prop_map(|producer| A::ProducerCommitTransaction { producer }),
        c.clone()
            .prop_map(|producer| A::ProducerAbortTransaction { producer }),
        c.clone()
            .prop_map(|producer| A::ProducerLoseNextRequest { producer }),
        (c.clone(), c.clone()).prop_map(|(producer, consumer)| {
            A::ProducerSendOffsetsToTransaction { producer, consumer }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Hand-built actions (any ids, any order) never panic `apply` or the views of the state.
    #[test]
    fn arbitrary_actions_never_panic(actions in prop::collection::vec(arb_action(), 0..60), java in any::<bool>()) {
        let s = kafka_model::parse_scenario(&json!({
            "flavor": if java { "java" } else { "kafka-python" },
            "topics": [{ "name": "orders", "partitions": 2, "replication.factor": 3, "min.insync.replicas": 2 },
                       { "name": "audit", "unclean.leader.election.enable": true }],
            "producers": [{ "id": "p" }, { "id": "q", "config": { "enable.idempotence": true } },
                          { "id": "t", "config": { "transactional.id": "tx", "acks": "all" } }],
            "consumers": [
                { "id": "a", "subscribe": ["orders"], "config": { "group.id": "g", "auto.offset.reset": "earliest" } },
                { "id": "b", "subscribe": ["orders", "audit"], "config": { "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "none" } }
            ],
            "steps": [
                { "actor": "p", "op": "send", "topic": "orders", "key": "k1", "value": "v1" },
                { "actor": "p", "op": "send", "topic": "audit", "value": "v2" }
            ]
        }).to_string()).unwrap();
        let mut c = kafka_model::Cluster::from_scenario(&s);
        let mut out = Vec::new();
        for a in &actions {
            out.clear();
            let _ = c.apply(a, &mut out);
            let names = c.names();
            for e in &out {
                let _ = e.sentence(&names).to_string();
                let _ = kafka_model::output::change_json(&names, &e.change);
            }
            let _ = kafka_model::enabled_actions(&c);
        }
        let _ = kafka_model::output::final_state(&c);
        let _ = kafka_model::output::ledger_output(&c);
    }
}
