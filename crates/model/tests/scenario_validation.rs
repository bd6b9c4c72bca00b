//! Invalid scenarios are rejected with an error that names the field (and the step index).

use pretty_assertions::assert_eq;
use serde_json::{json, Value};

fn base(steps: Value) -> Value {
    json!({
        "topics": [{ "name": "orders", "partitions": 2 }],
        "producers": [{ "id": "producer" }],
        "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": { "group.id": "g" } }],
        "steps": steps
    })
}

fn err(v: &Value) -> String {
    kafka_model::run_json(&v.to_string())
        .expect_err("must be rejected")
        .to_string()
}

#[test]
fn unknown_op_names_the_step_and_the_field() {
    let e = err(&base(
        json!([{ "actor": "worker", "op": "poll" }, { "actor": "worker", "op": "pol" }]),
    ));
    assert!(
        e.starts_with("step 1: field \"op\": unknown op \"pol\" (expected one of: send, flush,"),
        "{e}"
    );
}

#[test]
fn rejections_name_their_field() {
    let cases: Vec<(Value, &str)> = vec![
        (
            base(json!([{ "actor": "nobody", "op": "poll" }])),
            "step 0: field \"actor\": unknown client \"nobody\"",
        ),
        (
            base(json!([{ "actor": "worker", "op": "send" }])),
            "step 0: field \"op\": \"worker\" is a consumer",
        ),
        (
            base(json!([{ "op": "advance", "ms": -5 }])),
            "step 0: field \"ms\": expected a non-negative integer",
        ),
        (
            base(json!([{ "op": "advance", "ms": "5" }])),
            "step 0: field \"ms\"",
        ),
        (
            base(json!([{ "actor": "producer", "op": "send", "topic": "nope", "value": "x" }])),
            "step 0: field \"topic\": unknown topic \"nope\"",
        ),
        (
            base(
                json!([{ "actor": "producer", "op": "send", "topic": "orders", "partition": 2, "value": "x" }]),
            ),
            "step 0: field \"partition\"",
        ),
        (
            base(json!([{ "actor": "producer", "op": "send", "topic": "orders", "value": 5 }])),
            "step 0: field \"value\": expected a string",
        ),
        (
            base(json!([{ "actor": "worker", "op": "poll", "extra": 1 }])),
            "step 0: field \"extra\": not allowed for op \"poll\"",
        ),
        (
            base(json!([{ "actor": "worker", "op": "process", "fail": "yes" }])),
            "step 0: field \"fail\": expected a boolean",
        ),
        (
            base(json!([{ "actor": "worker", "op": "seek", "topic": "orders", "partition": 0 }])),
            "step 0: field \"offset\": required",
        ),
        (
            base(
                json!([{ "actor": "worker", "op": "commit", "offsets": [{ "topic": "orders", "partition": 9, "offset": 1 }] }]),
            ),
            "step 0: field \"offsets[0].partition\"",
        ),
        (
            base(json!([{ "op": "crash_broker", "broker": 3 }])),
            "step 0: field \"broker\"",
        ),
        (
            base(json!([{ "actor": "producer", "op": "advance", "ms": 1 }])),
            "step 0: field \"actor\"",
        ),
        (base(json!([5])), "step 0: expected an object"),
        (base(json!({})), "steps: expected an array"),
        (
            json!({ "topics": [{ "name": "orders", "partitions": 0 }], "steps": [] }),
            "topics[0].partitions: expected a positive integer",
        ),
        (
            json!({ "topics": [{ "name": "orders", "partitions": -1 }], "steps": [] }),
            "topics[0].partitions",
        ),
        (
            json!({ "topics": [{ "name": "orders", "size": 1 }], "steps": [] }),
            "topics[0].\"size\": unknown field",
        ),
        (
            json!({ "steps": [], "colour": "red" }),
            "scenario.\"colour\": unknown field",
        ),
        (
            json!({ "flavor": "go", "steps": [] }),
            "flavor: unknown flavor \"go\"",
        ),
        (
            json!({ "seed": -1, "steps": [] }),
            "seed: expected a non-negative integer",
        ),
        (json!({ "topics": [] }), "steps: required"),
        (
            json!({ "producers": [{ "id": "p", "config": { "acks": "2" } }], "steps": [] }),
            "producers[0].config.\"acks\"",
        ),
        (
            json!({ "producers": [{ "id": "p", "config": { "enable.idempotency": true } }], "steps": [] }),
            "producers[0].config.\"enable.idempotency\": unknown configuration key",
        ),
        (
            json!({ "topics": [{"name": "t"}], "consumers": [{ "id": "c", "subscribe": ["t"], "config": { "enable.auto.commit": "maybe", "group.id": "g" } }], "steps": [] }),
            "consumers[0].config.\"enable.auto.commit\": expected a boolean",
        ),
        (
            json!({ "topics": [{"name": "t"}], "consumers": [{ "id": "c", "subscribe": ["t"], "config": {} }], "steps": [] }),
            "consumers[0].config.\"group.id\": required",
        ),
        (
            json!({ "topics": [{"name": "t"}], "consumers": [{ "id": "c", "subscribe": ["u"], "config": {"group.id": "g"} }], "steps": [] }),
            "consumers[0].subscribe[0]: unknown topic \"u\"",
        ),
        (
            json!({ "producers": [{ "id": "x" }, { "id": "x" }], "steps": [] }),
            "producers[1].id: \"x\" is already used by producers[0]",
        ),
        (json!([1, 2]), "scenario: expected an object"),
    ];
    for (input, want) in cases {
        let e = err(&input);
        assert!(
            e.starts_with(want),
            "\n got: {e}\nwant: {want}…\n  in: {input}"
        );
    }
}

#[test]
fn kafkas_limits_and_the_runners_caps_name_their_field() {
    let poll = json!({ "actor": "worker", "op": "poll" });
    let cases: Vec<(Value, &str)> = vec![
        (
            base(Value::Array(vec![poll; 10_001])),
            "steps: at most 10000 steps, got 10001",
        ),
        (
            base(json!([{ "op": "advance", "ms": 86_400_001u64 }])),
            "step 0: field \"ms\": at most 86400000, got 86400001",
        ),
        (
            base(json!([{ "op": "advance", "ms": u64::MAX }])),
            "step 0: field \"ms\": at most 86400000",
        ),
        (
            base(
                json!([{ "actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": 1u64 << 63 }]),
            ),
            "step 0: field \"offset\": at most 9223372036854775807, got 9223372036854775808",
        ),
        (
            base(
                json!([{ "actor": "worker", "op": "commit", "offsets": [{ "topic": "orders", "partition": 1, "offset": u64::MAX }] }]),
            ),
            "step 0: field \"offsets[0].offset\": at most 9223372036854775807",
        ),
    ];
    for (input, want) in cases {
        let e = err(&input);
        assert!(e.starts_with(want), "\n got: {e}\nwant: {want}…");
    }
    // At the caps, the scenario runs.
    let at_caps = base(json!([
        { "op": "advance", "ms": 86_400_000u64 },
        { "actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": i64::MAX }
    ]));
    assert!(kafka_model::run_json(&at_caps.to_string()).is_ok());
}

#[test]
fn malformed_json_reports_line_and_column() {
    let e = kafka_model::run_json("{\n  \"steps\": [\n    {\"op\": \"advance\" \"ms\": 1}\n  ]\n}")
        .expect_err("malformed");
    assert!(
        e.to_string()
            .starts_with("malformed JSON at line 3, column"),
        "{e}"
    );
}

#[test]
fn config_values_may_be_strings_or_json_values() {
    let a = json!({ "topics": [{"name": "t"}],
        "producers": [{ "id": "p", "config": { "acks": "1", "enable.idempotence": "false", "retries": "3", "linger.ms": 5 } }],
        "consumers": [{ "id": "c", "subscribe": ["t"], "config": { "group.id": "g", "enable.auto.commit": "false", "max.poll.records": "1", "session.timeout.ms": 45000 } }],
        "steps": [] });
    let b = json!({ "topics": [{"name": "t"}],
        "producers": [{ "id": "p", "config": { "acks": 1, "enable.idempotence": false, "retries": 3, "linger.ms": "5" } }],
        "consumers": [{ "id": "c", "subscribe": ["t"], "config": { "group.id": "g", "enable.auto.commit": false, "max.poll.records": 1, "session.timeout.ms": "45000" } }],
        "steps": [] });
    let pa = kafka_model::parse_scenario(&a.to_string()).unwrap();
    let pb = kafka_model::parse_scenario(&b.to_string()).unwrap();
    assert_eq!(pa.setup.producers[0].config, pb.setup.producers[0].config);
    assert_eq!(pa.setup.consumers[0].config, pb.setup.consumers[0].config);
}

#[test]
fn failed_steps_are_recorded_and_the_run_goes_on() {
    let v = base(json!([
        { "actor": "worker", "op": "process" },
        { "actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": 0 },
        { "op": "crash_broker", "broker": 0 },
        { "actor": "producer", "op": "init_transactions" },
        { "actor": "worker", "op": "restart" },
        { "actor": "worker", "op": "poll" }
    ]));
    let o = kafka_model::run_json(&v.to_string()).unwrap();
    let errors: Vec<(bool, Option<String>)> =
        o.steps.iter().map(|s| (s.ok, s.error.clone())).collect();
    assert_eq!(
        errors,
        vec![
            (false, Some("IllegalState".into())),
            (false, Some("IllegalState".into())),
            // Crashing the only broker is allowed (the partition goes offline).
            (true, None),
            // init_transactions without a transactional.id.
            (false, Some("IllegalState".into())),
            (false, Some("IllegalState".into())),
            (true, None),
        ]
    );
}

#[test]
fn part_2_fields_parse_export_and_reject_bad_values() {
    let v = json!({
        "transaction.version": 2,
        "broker": { "replica.lag.time.max.ms": 5000,
                    "transaction.abort.timed.out.transaction.cleanup.interval.ms": 1000 },
        "topics": [{ "name": "orders", "replication.factor": 3, "min.insync.replicas": 2,
                     "unclean.leader.election.enable": true }],
        "producers": [{ "id": "producer", "config": { "transactional.id": "t", "delivery.timeout.ms": 3000,
                                                      "transaction.version": 1 } }],
        "steps": [
            { "actor": "producer", "op": "lose_next_request" },
            { "op": "pause_replication", "broker": 2 },
            { "op": "resume_replication" },
            { "op": "restart_broker", "broker": 1 }
        ]
    });
    let s = kafka_model::parse_scenario(&v.to_string()).unwrap();
    assert_eq!(s.setup.transaction_version, 2);
    assert_eq!(s.setup.replica_lag_time_max_ms, 5000);
    assert_eq!(s.setup.txn_cleanup_interval_ms, 1000);
    assert!(s.setup.topics[0].unclean_leader_election);
    assert_eq!(s.setup.brokers, 3);
    assert_eq!(s.setup.producers[0].config.delivery_timeout_ms, 3000);
    assert_eq!(s.setup.producers[0].config.transaction_version, Some(1));
    assert_eq!(
        s.steps[1],
        kafka_model::Action::BrokerPauseReplication { broker: 2 }
    );
    // Export and parse again: the same scenario.
    let exported = s.to_json().to_string();
    let again = kafka_model::parse_scenario(&exported).unwrap();
    assert_eq!(again.setup, s.setup);
    assert_eq!(again.steps, s.steps);

    let mut bad = v.clone();
    bad["transaction.version"] = json!(3);
    assert!(
        err(&bad).starts_with("transaction.version:"),
        "{}",
        err(&bad)
    );
    let mut bad = v.clone();
    bad["steps"] = json!([{ "op": "pause_replication", "broker": 7 }]);
    assert!(
        err(&bad).contains("step 0: field \"broker\""),
        "{}",
        err(&bad)
    );
    let mut bad = v;
    bad["broker"] = json!({ "log.retention.ms": 1 });
    assert!(
        err(&bad).contains("broker.\"log.retention.ms\""),
        "{}",
        err(&bad)
    );
}

/// The op table and the reader agree: every op reads, for each kind of actor the table lets perform it, into
/// an action written back as that op; and the writer's step reads back to the same action.
#[test]
fn every_op_of_the_table_reads_and_writes_back() {
    use kafka_model::op::{field, Op};
    use kafka_model::scenario::{parse_step, step_json, Texts};

    let s = kafka_model::parse_scenario(
        &json!({
            "topics": [{ "name": "orders", "replication.factor": 2 }],
            "producers": [{ "id": "producer", "config": { "transactional.id": "t" } }],
            "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": { "group.id": "g" } }],
            "steps": []
        })
        .to_string(),
    )
    .unwrap();
    // The fields an op needs, with values valid in this set-up.
    let needed = |op: Op| -> Vec<(&str, Value)> {
        op.fields()
            .iter()
            .filter_map(|f| {
                let v = match *f {
                    field::TOPIC => json!("orders"),
                    field::VALUE => json!("v"),
                    field::CONSUMER => json!("worker"),
                    field::OFFSET => json!(3),
                    field::MS => json!(10),
                    field::BROKER => json!(1),
                    _ => return None,
                };
                Some((*f, v))
            })
            .collect()
    };
    let mut read = 0;
    for &op in Op::ALL {
        let table = op.performers();
        let actors: Vec<Option<&str>> = match (table.producer, table.consumer) {
            (false, false) => vec![None],
            (p, c) => [(p, "producer"), (c, "worker")]
                .into_iter()
                .filter(|(yes, _)| *yes)
                .map(|(_, actor)| Some(actor))
                .collect(),
        };
        for actor in actors {
            let mut step = json!({ "op": op.name() });
            if let Some(actor) = actor {
                step["actor"] = json!(actor);
            }
            for (f, v) in needed(op) {
                step[f] = v;
            }
            let mut texts = Texts::default();
            let action = parse_step(&s.setup, &mut texts, 0, &step)
                .unwrap_or_else(|e| panic!("{step}: {e}"));
            assert_eq!(action.op(), op, "{step}");
            let names = kafka_model::names::Names {
                setup: &s.setup,
                texts: texts.as_slice(),
            };
            let written = step_json(&names, &action);
            let mut again = Texts::default();
            assert_eq!(
                parse_step(&s.setup, &mut again, 0, &written).unwrap(),
                action,
                "{written}"
            );
            read += 1;
        }
    }
    assert_eq!(
        read,
        Op::ALL.len() + 2,
        "crash and restart read for both kinds of client"
    );
    // And the other kind of client is refused, naming the ops it has.
    let e = err(&base(json!([{ "actor": "producer", "op": "poll" }])));
    assert!(
        e.contains(
            "\"producer\" is a producer; op \"poll\" is not a producer op (expected one of: send,"
        ),
        "{e}"
    );
}

/// A set-up built in code is checked as a file is, with the field a file would have.
#[test]
fn a_set_up_built_in_code_is_checked_and_written_like_a_file() {
    use kafka_model::config::{key, Flavor};
    use kafka_model::scenario::{properties, Scenario, Setup, TopicSpec};

    let mut setup = Setup::new(Flavor::Java, 3);
    let orders = setup.add_topic(TopicSpec::new("orders")).unwrap();
    assert_eq!(
        setup
            .add_topic(TopicSpec::new("orders"))
            .unwrap_err()
            .to_string(),
        "topics[1].name: topic \"orders\" is declared twice"
    );
    let none = TopicSpec {
        partitions: 0,
        ..TopicSpec::new("empty")
    };
    assert_eq!(
        setup.add_topic(none).unwrap_err().to_string(),
        "topics[1].partitions: expected a positive integer (at most 64), got 0"
    );
    setup
        .add_producer("p", properties([(key::ACKS, "all".into())]))
        .unwrap();
    assert_eq!(
        setup
            .add_consumer("p", vec![orders], properties([(key::GROUP_ID, "g".into())]))
            .unwrap_err()
            .to_string(),
        "consumers[0].id: \"p\" is already used by producers[0]"
    );
    assert_eq!(
        setup
            .add_consumer("c", vec![orders], properties([(key::GROUP_ID, 5.into())]))
            .unwrap_err()
            .to_string(),
        "consumers[0].config.\"group.id\": expected a string, got 5"
    );
    setup
        .add_consumer("c", vec![orders], properties([(key::GROUP_ID, "g".into())]))
        .unwrap();
    let scenario = Scenario {
        setup,
        texts: Vec::new(),
        steps: Vec::new(),
    };
    let read = kafka_model::parse_scenario(&scenario.to_json().to_string()).unwrap();
    assert_eq!(read, scenario);
}

#[test]
fn group_settings_parse_export_and_reject_bad_values() {
    let member =
        |id: &str, config: Value| json!({ "id": id, "subscribe": ["orders"], "config": config });
    let v = json!({
        "flavor": "java",
        "topics": [{ "name": "orders", "partitions": 2 }, { "name": "audit" }],
        "consumers": [
            { "id": "a", "subscribe": ["orders"], "on_partitions_revoked": "commit",
              "config": { "group.id": "g", "group.instance.id": "a-1", "max.poll.interval.ms": "60000",
                          "partition.assignment.strategy": ["cooperative-sticky"] } },
            member("b", json!({ "group.id": "g",
                "partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor, range" }))
        ],
        "steps": []
    });
    let s = kafka_model::parse_scenario(&v.to_string()).unwrap();
    let a = &s.setup.consumers[0];
    assert_eq!(a.config.group_instance_id.as_deref(), Some("a-1"));
    assert_eq!(a.config.max_poll_interval_ms, 60_000);
    assert!(a.config.cooperative());
    assert!(!s.setup.consumers[1].config.cooperative());
    assert_eq!(a.on_revoke, kafka_model::scenario::OnRevoke::Commit);
    let again = kafka_model::parse_scenario(&s.to_json().to_string()).unwrap();
    assert_eq!(again.setup, s.setup);
    // The defaults: five minutes between polls, no instance id.
    let plain = kafka_model::parse_scenario(&base(json!([])).to_string()).unwrap();
    assert_eq!(
        plain.setup.consumers[0].config.max_poll_interval_ms,
        300_000
    );
    assert_eq!(plain.setup.consumers[0].config.group_instance_id, None);

    let cases: Vec<(Value, &str)> = vec![
        (
            json!({ "group.id": "g", "partition.assignment.strategy": "sticky" }),
            "consumers[1].config.\"partition.assignment.strategy\": expected \"range\", \"roundrobin\" or \"cooperative-sticky\", got \"sticky\"",
        ),
        (
            json!({ "group.id": "g", "partition.assignment.strategy": 3 }),
            "consumers[1].config.\"partition.assignment.strategy\": expected a string or a list of strings",
        ),
        (
            json!({ "group.id": "g", "group.instance.id": "a-1" }),
            "consumers[1].config.\"group.instance.id\": \"a-1\" is already used by consumers[0] in group \"g\"",
        ),
        (
            json!({ "group.id": "g", "max.poll.interval.ms": 0 }),
            "consumers[1].config.\"max.poll.interval.ms\": expected a positive integer",
        ),
        (
            json!({ "group.id": "g", "group.protocol": "consumer" }),
            "consumers[1].config.\"group.protocol\": the consumer group protocol (KIP-848) is not modelled",
        ),
        (
            json!({ "group.id": "g", "group.protocol": "eager" }),
            "consumers[1].config.\"group.protocol\": must be \"classic\" or \"consumer\"",
        ),
    ];
    for (config, expected) in cases {
        let mut bad = v.clone();
        bad["consumers"][1] = member("b", config);
        assert!(err(&bad).starts_with(expected), "{}", err(&bad));
    }
    let mut bad = v.clone();
    bad["consumers"][1]["subscribe"] = json!(["orders", "audit"]);
    assert!(
        err(&bad).starts_with("consumers[1].subscribe: with cooperative-sticky, every member of group \"g\" must subscribe to the same topics as consumers[0]"),
        "{}",
        err(&bad)
    );
    // The classic protocol is the Java client's default and the model's; kafka-python has no setting for it.
    let mut classic = v.clone();
    classic["consumers"][1] = member("b", json!({ "group.id": "g", "group.protocol": "CLASSIC" }));
    assert!(kafka_model::parse_scenario(&classic.to_string()).is_ok());
    classic["flavor"] = json!("kafka-python");
    classic["consumers"][0]["config"]["partition.assignment.strategy"] = json!("range");
    assert!(
        err(&classic).starts_with(
            "consumers[1].config.\"group.protocol\": kafka-python has no such setting"
        ),
        "{}",
        err(&classic)
    );
    let mut bad = v.clone();
    bad["flavor"] = json!("kafka-python");
    assert!(
        err(&bad).starts_with("consumers[1].config.\"partition.assignment.strategy\": kafka-python cannot mix cooperative-sticky with eager assignors"),
        "{}",
        err(&bad)
    );
    let mut bad = v;
    bad["consumers"][0]["on_partitions_revoked"] = json!("rollback");
    assert!(
        err(&bad).starts_with(
            "consumers[0].on_partitions_revoked: expected \"nothing\" or \"commit\", got \"rollback\""
        ),
        "{}",
        err(&bad)
    );
}
