//! The observer against a real broker (KAFKA_BOOTSTRAP): the log it reads, with markers, transaction
//! status, HW and LSO, must match what real librdkafka producers and a consumer group did; its producer ids
//! and epochs must agree across Fetch, DescribeProducers and DescribeTransactions.

use std::future::Future;
use std::net::TcpListener;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kafka_proxy::observe::{observe, Observation, ObserveError, Target};
use pretty_assertions::assert_eq;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

const KAFKA: Duration = Duration::from_secs(30);
const OBSERVE: Duration = Duration::from_secs(10);

fn bootstrap() -> String {
    std::env::var("KAFKA_BOOTSTRAP").expect(
        "KAFKA_BOOTSTRAP is not set: these tests need a real broker \
         (tools/kafka/broker start, then export KAFKA_BOOTSTRAP=HOST:PORT)",
    )
}

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

/// A prefix no other run uses, so tests never see each other's topics, groups or transactional ids.
fn unique_prefix(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!("observe-{test}-{}-{nanos}-", std::process::id())
}

fn config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap);
    c
}

fn create_topic(bootstrap: &str, topic: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = config(bootstrap).create().expect("admin");
    let opts = AdminOptions::new().operation_timeout(Some(KAFKA));
    let results = block_on(admin.create_topics(
        &[NewTopic::new(topic, partitions, TopicReplication::Fixed(1))],
        &opts,
    ))
    .expect("create_topics");
    for r in results {
        r.expect("topic created");
    }
}

fn delete_topic(bootstrap: &str, topic: &str) {
    let admin: AdminClient<DefaultClientContext> = config(bootstrap).create().expect("admin");
    let _ = block_on(admin.delete_topics(&[topic], &AdminOptions::new()));
}

fn producer(bootstrap: &str, transactional_id: Option<&str>) -> BaseProducer {
    let mut c = config(bootstrap);
    c.set("enable.idempotence", "true"); // producer ids, epochs and sequences in every batch
    c.set("linger.ms", "0"); // one batch per send: offsets are predictable
    if let Some(id) = transactional_id {
        c.set("transactional.id", id);
    }
    let p: BaseProducer = c.create().expect("producer");
    if transactional_id.is_some() {
        p.init_transactions(KAFKA).expect("init_transactions");
    }
    p
}

/// Sends one record to one partition and waits until it is acknowledged.
fn send(p: &BaseProducer, topic: &str, partition: i32, value: &str) {
    p.send(
        BaseRecord::<(), str>::to(topic)
            .partition(partition)
            .payload(value),
    )
    .expect("send");
    p.flush(KAFKA).expect("flush");
}

/// Waits until the partition's high watermark reaches `offset`. The coordinator writes markers after it
/// answers EndTxn, so without this another producer's next record can land before the marker.
fn wait_for_high_watermark(consumer: &BaseConsumer, topic: &str, partition: i32, offset: i64) {
    let deadline = Instant::now() + KAFKA;
    loop {
        let (_, high) = consumer
            .fetch_watermarks(topic, partition, KAFKA)
            .expect("watermarks");
        if high >= offset {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{topic}-{partition} stuck at {high} < {offset}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// (offset, kind, value, transaction) of each entry.
fn entries(o: &Observation, partition: usize) -> Vec<(u64, String, Option<String>, String)> {
    o.partitions[partition]
        .log
        .iter()
        .map(|e| {
            (
                e.offset,
                e.kind.name().to_owned(),
                e.value.clone(),
                e.transaction.name().to_owned(),
            )
        })
        .collect()
}

#[test]
fn observes_records_markers_transactions_producers_and_offsets() {
    let bootstrap = bootstrap();
    let prefix = unique_prefix("log");
    let topic = format!("{prefix}orders");
    create_topic(&bootstrap, &topic, 2);

    let consumer: BaseConsumer = config(&bootstrap)
        .set("group.id", format!("{prefix}workers"))
        .set("enable.auto.commit", "false")
        // Watermarks read under read_uncommitted are the high watermark, not the LSO.
        .set("isolation.level", "read_uncommitted")
        .create()
        .expect("consumer");
    let plain = producer(&bootstrap, None);
    let tx1 = producer(&bootstrap, Some(&format!("{prefix}tx1")));
    let tx2 = producer(&bootstrap, Some(&format!("{prefix}tx2")));
    let tx3 = producer(&bootstrap, Some(&format!("{prefix}tx3")));

    send(&plain, &topic, 0, "a"); // 0
    send(&plain, &topic, 0, "b"); // 1
    tx1.begin_transaction().unwrap();
    send(&tx1, &topic, 0, "c"); // 2
    send(&tx1, &topic, 0, "d"); // 3
    tx1.commit_transaction(KAFKA).unwrap(); // 4: commit marker
    wait_for_high_watermark(&consumer, &topic, 0, 5);
    tx1.begin_transaction().unwrap();
    send(&tx1, &topic, 0, "e"); // 5
    tx1.abort_transaction(KAFKA).unwrap(); // 6: abort marker
    wait_for_high_watermark(&consumer, &topic, 0, 7);
    send(&plain, &topic, 0, "f"); // 7
    tx2.begin_transaction().unwrap();
    send(&tx2, &topic, 0, "g"); // 8, left open: the LSO stops here
    tx1.begin_transaction().unwrap();
    send(&tx1, &topic, 0, "h"); // 9
    tx1.commit_transaction(KAFKA).unwrap(); // 10: commit marker
    wait_for_high_watermark(&consumer, &topic, 0, 11);
    send(&plain, &topic, 1, "z"); // partition 1, offset 0

    // The group commits 5 on partition 0; tx3 holds offset 1 on partition 1 pending for the same group.
    let mut offsets = TopicPartitionList::new();
    offsets
        .add_partition_offset(&topic, 0, Offset::Offset(5))
        .unwrap();
    consumer.commit(&offsets, CommitMode::Sync).expect("commit");
    let mut pending = TopicPartitionList::new();
    pending
        .add_partition_offset(&topic, 1, Offset::Offset(1))
        .unwrap();
    tx3.begin_transaction().unwrap();
    tx3.send_offsets_to_transaction(
        &pending,
        &consumer.group_metadata().expect("group metadata"),
        KAFKA,
    )
    .expect("send_offsets_to_transaction");

    let target = Target {
        prefix: prefix.clone(),
        topics: vec![("orders".into(), 2)],
        groups: vec!["workers".into(), "idle".into()],
        transactional_ids: vec!["tx1".into(), "tx2".into(), "ghost".into(), "tx3".into()],
    };
    let seen = block_on(observe(&bootstrap, &target, OBSERVE)).expect("observe");
    eprintln!("{seen:#?}");

    // The log: offsets with gaps where markers sit, each record's fate decided by its producer's next marker.
    let e = |o: u64, k: &str, v: Option<&str>, t: &str| {
        (o, k.to_owned(), v.map(str::to_owned), t.to_owned())
    };
    assert_eq!(
        entries(&seen, 0),
        vec![
            e(0, "record", Some("a"), "none"),
            e(1, "record", Some("b"), "none"),
            e(2, "record", Some("c"), "committed"),
            e(3, "record", Some("d"), "committed"),
            e(4, "commit_marker", None, "committed"),
            e(5, "record", Some("e"), "aborted"),
            e(6, "abort_marker", None, "aborted"),
            e(7, "record", Some("f"), "none"),
            e(8, "record", Some("g"), "open"),
            e(9, "record", Some("h"), "committed"),
            e(10, "commit_marker", None, "committed"),
        ]
    );
    assert_eq!(entries(&seen, 1), vec![e(0, "record", Some("z"), "none")]);
    let p0 = &seen.partitions[0];
    assert_eq!((p0.topic.as_str(), p0.partition), ("orders", 0));
    assert_eq!((p0.high_watermark, p0.last_stable_offset), (11, 8));
    let p1 = &seen.partitions[1];
    assert_eq!((p1.high_watermark, p1.last_stable_offset), (1, 1));
    assert!(p0.leader.is_some() && p0.replicas.len() == 1 && p0.isr == p0.replicas);

    // Producer ids: one per producer; sequences count each producer's records per partition.
    let log = &p0.log;
    let pid = |offset: usize| log[offset].producer_id.expect("idempotent");
    let (plain_pid, tx1_pid, tx2_pid) = (pid(0), pid(2), pid(8));
    assert!(plain_pid != tx1_pid && tx1_pid != tx2_pid && plain_pid != tx2_pid);
    for (offset, owner, sequence) in [
        (0, plain_pid, Some(0)),
        (1, plain_pid, Some(1)),
        (7, plain_pid, Some(2)),
    ] {
        assert_eq!(
            (log[offset].producer_id, log[offset].sequence),
            (Some(owner), sequence)
        );
    }
    for offset in [3, 4, 5, 6, 9, 10] {
        assert_eq!(log[offset].producer_id, Some(tx1_pid), "offset {offset}");
    }
    assert_eq!(log[4].sequence, None, "markers have no sequence");

    // DescribeProducers agrees with the log: each producer's epoch is that of its last entry, and only tx2
    // has an open transaction, starting at offset 8.
    let row = |pid: u64| {
        seen.producers
            .iter()
            .find(|a| a.partition == 0 && a.producer_id == pid)
            .unwrap_or_else(|| panic!("DescribeProducers has no row for producer id {pid}"))
    };
    for (p, last) in [(plain_pid, 7), (tx1_pid, 10), (tx2_pid, 8)] {
        assert_eq!(
            Some(row(p).producer_epoch),
            log[last].producer_epoch,
            "producer id {p}"
        );
    }
    assert_eq!(row(tx2_pid).current_txn_start_offset, Some(8));
    assert_eq!(row(tx1_pid).current_txn_start_offset, None);
    assert_eq!(row(plain_pid).last_sequence, 2);

    // DescribeTransactions: the unknown id is absent; states, ids and epochs agree with the log.
    let ids: Vec<&str> = seen
        .transactions
        .iter()
        .map(|t| t.transactional_id.as_str())
        .collect();
    assert_eq!(ids, ["tx1", "tx2", "tx3"]);
    let (t1, t2, t3) = (
        &seen.transactions[0],
        &seen.transactions[1],
        &seen.transactions[2],
    );
    assert_eq!(
        (t1.state.name(), t1.producer_id),
        ("CompleteCommit", tx1_pid)
    );
    assert_eq!(Some(t1.producer_epoch), log[10].producer_epoch);
    assert!(t1.partitions.is_empty());
    assert_eq!((t2.state.name(), t2.producer_id), ("Ongoing", tx2_pid));
    assert_eq!(Some(t2.producer_epoch), log[8].producer_epoch);
    assert_eq!(
        t2.partitions
            .iter()
            .map(|tp| (tp.topic.as_str(), tp.partition))
            .collect::<Vec<_>>(),
        [("orders", 0)]
    );
    // tx3 holds only the group's offsets partition: which group and offsets is not observable.
    assert_eq!(t3.state.name(), "Ongoing");
    assert!(t3.partitions.is_empty());
    for path in ["transactions[2].groups", "transactions[2].pending_offsets"] {
        assert!(seen.unknown.iter().any(|u| u == path), "{path} not unknown");
    }
    for path in ["transactions[0].groups", "transactions[1].pending_offsets"] {
        assert!(
            !seen.unknown.iter().any(|u| u == path),
            "{path} is known (empty)"
        );
    }

    // Committed offsets: only what was committed; tx3's pending offset is not among them.
    let committed: Vec<Vec<(String, u32, u64)>> = seen
        .groups
        .iter()
        .map(|g| {
            g.committed
                .iter()
                .map(|c| (c.topic.clone(), c.partition, c.offset))
                .collect()
        })
        .collect();
    assert_eq!(committed, vec![vec![("orders".to_owned(), 0, 5)], vec![]]);
    assert_eq!(seen.groups[1].group_id, "idle");
    for path in [
        "groups[0].pending",
        "groups[1].pending",
        "partitions[0].replica_states",
    ] {
        assert!(seen.unknown.iter().any(|u| u == path), "{path} not unknown");
    }

    tx2.abort_transaction(KAFKA).unwrap();
    tx3.abort_transaction(KAFKA).unwrap();
    delete_topic(&bootstrap, &topic);
}

#[test]
fn a_missing_topic_is_a_clear_kafka_error() {
    let bootstrap = bootstrap();
    let target = Target {
        prefix: unique_prefix("missing"),
        topics: vec![("nowhere".into(), 1)],
        groups: vec![],
        transactional_ids: vec![],
    };
    let err = block_on(observe(&bootstrap, &target, OBSERVE)).unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, ObserveError::Kafka { .. }) && message.contains("UnknownTopicOrPartition"),
        "{message}"
    );
    assert!(message.contains("nowhere"), "{message}");
}

fn target() -> Target {
    Target {
        prefix: "p-".into(),
        topics: vec![("orders".into(), 1)],
        groups: vec![],
        transactional_ids: vec![],
    }
}

#[test]
fn an_unreachable_bootstrap_is_a_clear_error_within_the_timeout() {
    // A port that was just free: nothing listens there, so the connection is refused.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let start = Instant::now();
    let err = block_on(observe(&addr, &target(), Duration::from_secs(2))).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(matches!(err, ObserveError::Unreachable { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("broker unreachable at {addr}")),
        "{err}"
    );
}

#[test]
fn a_silent_broker_times_out_with_the_request_named() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let holder = std::thread::spawn(move || listener.accept().map(|(s, _)| s));
    let start = Instant::now();
    let err = block_on(observe(&addr, &target(), Duration::from_millis(300))).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        err.to_string(),
        format!("request Metadata to {addr} timed out after 300 ms")
    );
    drop(holder.join());
}
