//! The differential test: every lesson scenario and every golden scenario runs on the model and, through the
//! proxy, on the real broker with the real client of its flavor (kafka-python or the Java client); the
//! observable outcomes are compared (kafka_model::compare). A difference may only be explained by the test
//! cluster itself (one broker, a healthy network: causes written down in docs/real-cluster.md, "Where the real
//! cluster differs"); anything else fails the test. The same scenarios run on librdkafka at the same time, as a
//! third column that is reported, not failed, so the docs can show where the clients differ. A summary line per
//! flavor and client says how many scenarios were compared, identical and explained; `target/differential.json`
//! lists every scenario's outcome and differences.
//!
//! `DIFFERENTIAL_CLIENT` runs one column only: `own` (each scenario on its flavor's client), or `librdkafka`,
//! `kafka-python` or `java` for every scenario (reported, not failed). `DIFFERENTIAL_ONLY` keeps the scenarios
//! whose name contains it.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kafka_model::compare::{compare, Difference};
use kafka_model::config::Flavor;
use kafka_model::lesson::Lesson;
use kafka_model::real_run::RealRun;
use kafka_model::{run_scenario, scenario::scenario_from_value};
use serde_json::{json, Value};

use common::{bootstrap, repo_root, test_config, Proxy};

/// A known cause: the clients it is about (`ANY` for every one), the scenarios it covers (file stems; `*` for
/// all), the difference paths it explains (a `*` matches any run of characters), and the cause's heading id in
/// docs/real-cluster.md.
struct Cause {
    id: &'static str,
    clients: &'static [&'static str],
    scenarios: &'static [&'static str],
    paths: &'static [&'static str],
}

const ANY: &[&str] = &["librdkafka", "kafka-python", "java"];
const LIBRDKAFKA: &[&str] = &["librdkafka"];

const CAUSES: &[Cause] = &[
    Cause {
        id: "one-broker",
        clients: ANY,
        scenarios: &[
            "durability",
            "k-acks-1-leader-crash-loses-an-acknowledged-record",
            "r-not-enough-replicas-retried-until-the-delivery-timeout",
            "y-leader-crash-under-acks-all-loses-nothing",
        ],
        paths: &["run"],
    },
    Cause {
        id: "network-fault",
        clients: ANY,
        scenarios: &["producer-retries", "e-lost-ack-duplicate-or-deduplicated"],
        paths: &[
            "steps[*",
            "partitions[orders/0].*",
            "producers[*].producer_id",
            "ledger[*",
        ],
    },
    Cause {
        id: "auto-commit-timer",
        clients: LIBRDKAFKA,
        scenarios: &["auto-commit", "p-auto-commit-interval-starts-at-the-join"],
        paths: &["groups[order-processor].committed[orders/0]"],
    },
    Cause {
        id: "librdkafka-init-twice",
        clients: LIBRDKAFKA,
        scenarios: &["transactions", "h-course-exactly-once-loop-as-written"],
        paths: &["steps[*].ok", "steps[*].error"],
    },
    Cause {
        id: "librdkafka-transaction-version-1",
        clients: LIBRDKAFKA,
        scenarios: &[
            "transaction-version-2",
            "j-zombie-fencing",
            "o-pending-offsets-java-waits",
            "q-abort-drops-what-linger-holds",
        ],
        paths: &["*.producer_epoch"],
    },
    Cause {
        id: "abort-drops-unsent",
        clients: LIBRDKAFKA,
        scenarios: &["transaction-version-2", "q-abort-drops-what-linger-holds"],
        paths: &[
            "partitions[results/0].high_watermark",
            "partitions[results/0].last_stable_offset",
            "partitions[results/0].log[*",
            "*.transaction_state",
            "transactions[tx].state",
            "consumers[reader].positions[results/0]",
        ],
    },
    Cause {
        id: "librdkafka-zombie-commit",
        clients: LIBRDKAFKA,
        scenarios: &["j-zombie-fencing"],
        paths: &["steps[12].error"],
    },
];

fn scenarios() -> Vec<(String, Value)> {
    let root = repo_root();
    let mut all = Vec::new();
    for (dir, skip) in [
        (root.join("crates/model/lessons"), ""),
        (root.join("crates/model/tests/golden"), ".expected.json"),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .filter(|p| skip.is_empty() || !p.to_string_lossy().ends_with(skip))
            .collect();
        files.sort();
        for file in files {
            all.push(load(&file));
        }
    }
    all
}

fn load(file: &Path) -> (String, Value) {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name")
        .to_owned();
    let text = std::fs::read_to_string(file).expect("a readable scenario");
    if file.parent().is_some_and(|d| d.ends_with("lessons")) {
        let lesson = Lesson::parse(&stem, &text).unwrap_or_else(|e| panic!("{stem}: {e}"));
        (format!("lesson {stem}"), lesson.scenario.clone())
    } else {
        (
            format!("golden {stem}"),
            serde_json::from_str(&text).expect("a JSON scenario"),
        )
    }
}

fn matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn cause_of(client: &str, scenario: &str, difference: &Difference) -> Option<&'static str> {
    let stem = scenario.split_once(' ').map_or(scenario, |(_, s)| s);
    CAUSES
        .iter()
        .find(|c| {
            c.clients.contains(&client)
                && c.scenarios.iter().any(|s| matches(s, stem))
                && c.paths.iter().any(|p| matches(p, &difference.path))
        })
        .map(|c| c.id)
}

/// One run of every scenario on one kind of client: each flavor's own (`None`), or one client for all.
#[derive(Clone, Copy)]
struct Column {
    client: Option<&'static str>,
    /// Only a column of the flavors' own clients fails the test.
    failing: bool,
}

/// The columns `DIFFERENTIAL_CLIENT` asks for: the own clients and librdkafka beside them when unset.
fn columns() -> Vec<Column> {
    let asked = std::env::var("DIFFERENTIAL_CLIENT").unwrap_or_default();
    let own = Column {
        client: None,
        failing: true,
    };
    let only = |client| {
        vec![Column {
            client: Some(client),
            failing: false,
        }]
    };
    match asked.as_str() {
        "" => vec![own, only("librdkafka")[0]],
        "own" => vec![own],
        "librdkafka" => only("librdkafka"),
        "kafka-python" => only("kafka-python"),
        "java" => only("java"),
        other => {
            panic!("DIFFERENTIAL_CLIENT={other}: expected own, librdkafka, kafka-python or java")
        }
    }
}

/// The scenario's client, by the proxy's request name.
fn client_for(column: Column, flavor: Flavor) -> &'static str {
    column.client.unwrap_or(match flavor {
        Flavor::KafkaPython => "kafka-python",
        Flavor::Java => "java",
    })
}

/// Compared, identical, explained, unexplained.
#[derive(Default)]
struct Tally([usize; 4]);

#[test]
fn patterns_match_as_documented() {
    assert!(matches(
        "partitions[*].log[*].producer_epoch",
        "partitions[orders/0].log[3].producer_epoch"
    ));
    assert!(!matches(
        "partitions[*].high_watermark",
        "partitions[orders/0].last_stable_offset"
    ));
    assert!(matches("steps[*].error", "steps[12].error"));
    assert!(matches("*", "anything"));
    assert!(!matches("ledger[*", "steps[1].ok"));
}

#[test]
fn every_cause_is_written_down() {
    let doc = std::fs::read_to_string(repo_root().join("docs/real-cluster.md")).expect("the doc");
    for cause in CAUSES {
        assert!(
            doc.contains(&format!("<a id=\"{}\"></a>", cause.id)),
            "docs/real-cluster.md does not explain cause {}",
            cause.id
        );
    }
}

#[test]
fn the_flavors_own_clients_are_excused_only_by_the_test_cluster() {
    for cause in CAUSES {
        let own = cause
            .clients
            .iter()
            .any(|c| matches!(*c, "kafka-python" | "java"));
        assert!(
            !own || matches!(cause.id, "one-broker" | "network-fault"),
            "cause {} excuses a flavor's own client: fix the model instead",
            cause.id
        );
    }
}

/// What one column found: its summary lines, its JSON entries, and its unexplained differences.
struct ColumnRun {
    lines: Vec<String>,
    entries: Vec<Value>,
    unexplained: Vec<String>,
    compared: usize,
}

async fn run_column(
    proxy: Arc<Proxy>,
    column: Column,
    scenarios: Arc<Vec<(String, Value)>>,
) -> ColumnRun {
    let mut tallies: std::collections::BTreeMap<&str, (Tally, String)> = Default::default();
    let mut entries = Vec::new();
    let mut unexplained = Vec::new();
    let started = Instant::now();
    for (name, scenario) in scenarios.iter() {
        let parsed = scenario_from_value(scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
        let flavor = parsed.setup.flavor;
        let client = client_for(column, flavor);
        let model = run_scenario(&parsed);
        let mut request = scenario.clone();
        request["client"] = json!(client);
        let (status, body) = proxy.call("POST", "/v1/run", Some(&request)).await;
        let mut library = json!({"name": client, "version": null});
        let differences = if status == 200 {
            library = body["client"].clone();
            // The real run, kept to read when a difference needs explaining.
            let dir = repo_root().join("target/differential-runs");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(
                dir.join(format!("{client}-{}.json", name.replace(['/', ' '], "-"))),
                serde_json::to_string_pretty(&body).expect("JSON"),
            );
            let real: RealRun = serde_json::from_value(body).expect("a run answer");
            compare(&model, &real).differences().cloned().collect()
        } else {
            // The whole run refused (e.g. more brokers than the cluster has): one difference for the scenario.
            vec![Difference {
                path: "run".to_owned(),
                model: "runs".to_owned(),
                real: format!("{status} {}", body["error"].as_str().unwrap_or("")),
            }]
        };
        let causes: Vec<Option<&str>> = differences
            .iter()
            .map(|d| cause_of(client, name, d))
            .collect();
        let outcome = if differences.is_empty() {
            "identical"
        } else if causes.iter().all(Option::is_some) {
            "explained"
        } else {
            "unexplained"
        };
        let (tally, shown) = tallies.entry(flavor.name()).or_default();
        if shown.is_empty() {
            *shown = match (&library["name"], &library["version"]) {
                (Value::String(n), Value::String(v)) => format!("{n} {v}"),
                _ => client.to_owned(),
            };
        }
        tally.0[0] += 1;
        tally.0[match outcome {
            "identical" => 1,
            "explained" => 2,
            _ => 3,
        }] += 1;
        let mut listed: Vec<&str> = causes.iter().flatten().copied().collect();
        listed.sort_unstable();
        listed.dedup();
        println!(
            "{name} ({client}): {} difference(s){}",
            differences.len(),
            if listed.is_empty() {
                String::new()
            } else {
                format!(", explained by {}", listed.join(", "))
            }
        );
        for (d, cause) in differences.iter().zip(&causes) {
            if cause.is_none() {
                println!(
                    "  UNEXPLAINED ({client}) {}: model {} / real {}",
                    d.path, d.model, d.real
                );
                unexplained.push(format!(
                    "{name} ({client}): {}: model {} / real {}",
                    d.path, d.model, d.real
                ));
            }
        }
        entries.push(json!({
            "scenario": name,
            "flavor": flavor.name(),
            "client": library,
            "outcome": outcome,
            "causes": listed,
            "differences": differences.iter().zip(&causes).map(|(d, cause)| json!({
                "path": d.path, "model": d.model, "real": d.real, "cause": cause,
            })).collect::<Vec<_>>(),
        }));
    }
    let seconds = started.elapsed().as_secs_f64();
    let lines = tallies
        .iter()
        .map(|(flavor, (Tally([compared, identical, explained, unexplained]), client))| {
            format!(
                "differential ({flavor} scenarios on {client}{}): {compared} scenarios compared, {identical} \
                 identical, {explained} explained by documented causes, {unexplained} unexplained; {seconds:.0} s",
                if column.failing { "" } else { ", reported only" }
            )
        })
        .collect();
    ColumnRun {
        lines,
        entries,
        unexplained,
        compared: tallies.values().map(|t| t.0 .0[0]).sum(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_lesson_and_golden_scenario_runs_the_same_on_the_real_broker() {
    let mut config = test_config(&bootstrap());
    config.kafka_timeout = Duration::from_secs(10);
    // The lessons wait out session and transaction timeouts; a faster clock keeps the run short.
    config.time_scale = 5;
    config.max_advance_ms = 20_000;
    let proxy = Proxy::start(config).await;

    let only = std::env::var("DIFFERENTIAL_ONLY").unwrap_or_default();
    let scenarios: Vec<(String, Value)> = scenarios()
        .into_iter()
        .filter(|(name, _)| name.contains(&only))
        .collect();
    // The columns run side by side: most of a run is waiting for the broker and the scaled clock.
    let (proxy, scenarios) = (Arc::new(proxy), Arc::new(scenarios));
    let columns = columns();
    let tasks: Vec<_> = columns
        .iter()
        .map(|c| tokio::spawn(run_column(proxy.clone(), *c, scenarios.clone())))
        .collect();
    let mut runs = Vec::new();
    for task in tasks {
        runs.push(task.await.expect("a column ran to its end"));
    }
    let summary = runs
        .iter()
        .flat_map(|r| r.lines.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    println!("{summary}");
    // The test runner hides a passing test's output; `./x test` prints this file in its summary.
    let _ = std::fs::create_dir_all(repo_root().join("target"));
    let _ = std::fs::write(
        repo_root().join("target/differential.txt"),
        format!("{summary}\n"),
    );
    let entries: Vec<&Value> = runs.iter().flat_map(|r| &r.entries).collect();
    let _ = std::fs::write(
        repo_root().join("target/differential.json"),
        serde_json::to_string_pretty(&entries).expect("JSON"),
    );
    for (column, run) in columns.iter().zip(&runs) {
        if only.is_empty() {
            assert!(
                run.compared >= 21,
                "every lesson and golden scenario is compared"
            );
        }
        assert!(
            !column.failing || run.unexplained.is_empty(),
            "unexplained differences:\n{}",
            run.unexplained.join("\n")
        );
    }
}
