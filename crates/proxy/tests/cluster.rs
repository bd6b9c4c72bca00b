//! Three real brokers, and a partition's leader killed without warning: with acks=all and
//! min.insync.replicas=2 no acknowledged record is lost (D2), a follower from the ISR takes over, and the old
//! leader catches up when it returns. And a scenario whose brokers crash and restart, run through the proxy on
//! the three brokers, as the model runs it. Each test runs on a cluster of its own, never on the shared broker,
//! one at a time.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::driver::Driver;
use common::{broker_script, remove_brokers, repo_root, test_config, Proxy};
use kafka_model::compare::compare;
use kafka_model::output::PartitionOut;
use kafka_model::real_run::RealRun;
use kafka_model::{run_scenario, scenario::scenario_from_value};
use kafka_proxy::observe::{observe, Target};
use serde_json::json;

/// Three JVMs at a time on two cores are enough.
static ONE_CLUSTER_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `tools/kafka/broker` with a cluster of this test's own, stopped when the test ends however it ends.
struct PrivateCluster {
    dir: PathBuf,
    addresses: Vec<String>,
}

impl PrivateCluster {
    fn start(nodes: usize) -> PrivateCluster {
        let dir = std::env::temp_dir().join(format!("kdl-cluster-{}", std::process::id()));
        let printed = broker_script(&["start", dir.to_str().unwrap(), &nodes.to_string()]);
        let addresses = printed
            .lines()
            .last()
            .unwrap_or_default()
            .split(',')
            .map(str::to_owned)
            .collect();
        PrivateCluster { dir, addresses }
    }

    fn node(&self, verb: &str, node: u16) {
        broker_script(&[verb, self.dir.to_str().unwrap(), &node.to_string()]);
    }

    /// Every node's address but `down`'s: a client's bootstrap must reach a live broker.
    fn bootstrap_without(&self, down: Option<u16>) -> String {
        let live: Vec<&str> = (0..self.addresses.len())
            .filter(|i| Some(*i as u16) != down)
            .map(|i| self.addresses[i].as_str())
            .collect();
        live.join(",")
    }

    /// Each node's resident memory, in MiB.
    fn resident_mib(&self) -> Vec<u64> {
        (0..self.addresses.len())
            .filter_map(|i| {
                let pid = std::fs::read_to_string(self.dir.join(format!("node-{i}/pid"))).ok()?;
                let status =
                    std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).ok()?;
                let kib: u64 = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))?
                    .trim()
                    .trim_end_matches(" kB")
                    .parse()
                    .ok()?;
                Some(kib / 1024)
            })
            .collect()
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        remove_brokers(&self.dir);
    }
}

/// Observes orders-0 until `done` holds of it, for at most a minute; the last observation either way.
async fn orders_until(
    bootstrap: &str,
    prefix: &str,
    done: impl Fn(&PartitionOut) -> bool,
) -> PartitionOut {
    let target = Target {
        prefix: prefix.to_owned(),
        topics: vec![("orders".to_owned(), 1)],
        groups: Vec::new(),
        transactional_ids: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(seen) = observe(bootstrap, &target, Duration::from_secs(5)).await {
            let partition = seen.partitions.into_iter().next().expect("orders-0");
            if done(&partition) || Instant::now() > deadline {
                return partition;
            }
        } else {
            assert!(Instant::now() < deadline, "the cluster did not answer");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sends orders `from..to` with acks=all and waits for each acknowledgement.
fn send_acknowledged(d: &mut Driver, orders: std::ops::Range<u32>) {
    for i in orders.clone() {
        d.ok(json!({"op": "send", "actor": "p", "topic": "orders", "value": format!("order {i}")}));
    }
    let answer = d.ok(json!({"op": "flush", "actor": "p"}));
    let deliveries = answer["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), orders.len(), "{answer}");
    assert!(
        deliveries.iter().all(|d| d["error"].is_null()),
        "every send is acknowledged: {answer}"
    );
}

fn values(p: &PartitionOut) -> Vec<String> {
    p.log.iter().filter_map(|e| e.value.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_killed_under_acks_all_loses_no_acknowledged_record_and_returns_to_the_isr() {
    let _one = ONE_CLUSTER_AT_A_TIME.lock();
    let started = Instant::now();
    let cluster = PrivateCluster::start(3);
    println!(
        "three brokers started in {:.1} s; resident memory {:?} MiB",
        started.elapsed().as_secs_f64(),
        cluster.resident_mib()
    );
    let prefix = format!("cluster-{}-", std::process::id());
    let all = cluster.bootstrap_without(None);
    let (mut d, _) = Driver::start_on("java", &all, &prefix);
    d.ok(json!({"op": "create_topic", "topic": "orders", "partitions": 1, "replication_factor": 3,
                "configs": {"min.insync.replicas": "2", "unclean.leader.election.enable": "false"}}));
    d.ok(json!({"op": "producer", "id": "p", "config": {"acks": "all"}}));
    send_acknowledged(&mut d, 0..5);
    let before = orders_until(&all, &prefix, |p| p.isr.len() == 3).await;
    assert_eq!(before.isr.len(), 3, "{before:?}");
    let leader = before.leader.expect("a leader");

    cluster.node("crash", leader);
    let killed = Instant::now();
    // The producer finds the new leader by itself and retries within its delivery timeout.
    send_acknowledged(&mut d, 5..10);
    let live = cluster.bootstrap_without(Some(leader));
    let after = orders_until(&live, &prefix, |p| {
        p.leader.is_some_and(|l| l != leader) && !p.isr.contains(&leader)
    })
    .await;
    println!(
        "broker {leader} killed: broker {:?} leads with ISR {:?}; the five sends after the kill acknowledged within {:.1} s",
        after.leader,
        after.isr,
        killed.elapsed().as_secs_f64()
    );
    assert!(before.isr.contains(&after.leader.expect("a new leader")));
    assert!(!after.isr.contains(&leader), "{after:?}");
    let expected: Vec<String> = (0..10).map(|i| format!("order {i}")).collect();
    assert_eq!(values(&after), expected, "every acknowledged record, once");

    let back = Instant::now();
    cluster.node("restart", leader);
    let rejoined = orders_until(&live, &prefix, |p| p.isr.contains(&leader)).await;
    assert!(rejoined.isr.contains(&leader), "{rejoined:?}");
    println!(
        "broker {leader} restarted and back in the ISR after {:.1} s",
        back.elapsed().as_secs_f64()
    );
    assert_eq!(values(&rejoined), expected);
    d.ok(json!({"op": "close", "actor": "p"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashed_and_restarted_brokers_run_through_the_proxy_as_in_the_model() {
    let _one = ONE_CLUSTER_AT_A_TIME.lock();
    let cluster = PrivateCluster::start(3);
    let mut config = test_config(&cluster.bootstrap_without(None));
    config.brokers_dir = Some(cluster.dir.clone());
    config.kafka_timeout = Duration::from_secs(40);
    config.time_scale = 5;
    config.max_advance_ms = 20_000;
    let proxy = Proxy::start(config).await;
    let name = "y-leader-crash-under-acks-all-loses-nothing";
    let path = repo_root().join(format!("crates/model/tests/golden/{name}.json"));
    let scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let model = run_scenario(&scenario_from_value(&scenario).unwrap());
    let mut request = scenario.clone();
    request["client"] = json!("kafka-python");
    let (status, body) = proxy.call("POST", "/v1/run", Some(&request)).await;
    assert_eq!(status, 200, "{body}");
    // Kept beside the differential's runs, to read when a difference needs explaining.
    let runs = repo_root().join("target/differential-runs");
    let _ = std::fs::create_dir_all(&runs);
    let _ = std::fs::write(
        runs.join(format!("three-brokers-{name}.json")),
        serde_json::to_string_pretty(&body).unwrap(),
    );
    let real: RealRun = serde_json::from_value(body.clone()).unwrap();
    let differences: Vec<String> = compare(&model, &real)
        .differences()
        .map(|d| format!("{}: model {} / real {}", d.path, d.model, d.real))
        .collect();
    assert!(
        differences.is_empty(),
        "{name} differs on three real brokers (its run: target/differential-runs):\n{}",
        differences.join("\n")
    );
}
