//! The differential test: every lesson scenario and every golden scenario runs on the model and, through the
//! proxy, on the real broker; the observable outcomes are compared (kafka_model::compare). Every difference must
//! be explained by a cause written down in docs/real-cluster.md ("Where the real cluster differs"); anything
//! else fails the test. A summary line per flavor says how many scenarios were compared, identical and
//! explained; `target/differential.json` lists every scenario's outcome and differences.
//!
//! `DIFFERENTIAL_CLIENT` picks the client the proxy runs the scenarios on: `librdkafka` (the default, for now),
//! `kafka-python`, `java`, or `own` (each scenario on its flavor's own client).

mod common;

use std::path::{Path, PathBuf};
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
        ],
        paths: &["run"],
    },
    Cause {
        id: "client-side-faults",
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
        ],
        paths: &["*.producer_epoch"],
    },
    Cause {
        id: "abort-drops-unsent",
        clients: &["librdkafka", "java"],
        scenarios: &["transaction-version-2"],
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
    Cause {
        id: "position-past-trailing-marker",
        clients: &["librdkafka", "kafka-python"],
        scenarios: &["i-corrected-exactly-once-loop"],
        paths: &["consumers[downstream].positions[processed-orders/0]"],
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

/// The client `DIFFERENTIAL_CLIENT` asks for (librdkafka when unset), `None` for each flavor's own.
fn chosen_client() -> Option<&'static str> {
    let asked = std::env::var("DIFFERENTIAL_CLIENT").unwrap_or_default();
    match asked.as_str() {
        "" | "librdkafka" => Some("librdkafka"),
        "kafka-python" => Some("kafka-python"),
        "java" => Some("java"),
        "own" => None,
        other => {
            panic!("DIFFERENTIAL_CLIENT={other}: expected kafka-python, java, librdkafka or own")
        }
    }
}

/// The scenario's client, by the proxy's request name.
fn client_for(chosen: Option<&'static str>, flavor: Flavor) -> &'static str {
    chosen.unwrap_or(match flavor {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_lesson_and_golden_scenario_runs_the_same_on_the_real_broker() {
    let mut config = test_config(&bootstrap());
    config.kafka_timeout = Duration::from_secs(10);
    // The lessons wait out session and transaction timeouts; a faster clock keeps the run short.
    config.time_scale = 5;
    config.max_advance_ms = 20_000;
    let proxy = Proxy::start(config).await;

    let chosen = chosen_client();
    let mut tallies: std::collections::BTreeMap<&str, Tally> = Default::default();
    let mut entries = Vec::new();
    let mut unexplained = Vec::new();
    let started = Instant::now();
    for (name, scenario) in scenarios() {
        let parsed = scenario_from_value(&scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
        let flavor = parsed.setup.flavor;
        let client = client_for(chosen, flavor);
        let model = run_scenario(&parsed);
        let mut request = scenario.clone();
        request["client"] = json!(client);
        let (status, body) = proxy.call("POST", "/v1/run", Some(&request)).await;
        let mut library = json!({"name": client, "version": null});
        let differences = if status == 200 {
            library = body["client"].clone();
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
            .map(|d| cause_of(client, &name, d))
            .collect();
        let outcome = if differences.is_empty() {
            "identical"
        } else if causes.iter().all(Option::is_some) {
            "explained"
        } else {
            "unexplained"
        };
        let tally = &mut tallies.entry(flavor.name()).or_default().0;
        tally[0] += 1;
        tally[match outcome {
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
                    "  UNEXPLAINED {}: model {} / real {}",
                    d.path, d.model, d.real
                );
                unexplained.push(format!(
                    "{name}: {}: model {} / real {}",
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
    let lines: Vec<String> = tallies
        .iter()
        .map(|(flavor, Tally([compared, identical, explained, unexplained]))| {
            format!(
                "differential ({flavor} scenarios on {}): {compared} scenarios compared, {identical} identical, \
                 {explained} explained by documented causes, {unexplained} unexplained",
                chosen.unwrap_or(if *flavor == "java" { "java" } else { "kafka-python" })
            )
        })
        .collect();
    let summary = format!("{}; {seconds:.0} s", lines.join("\n"));
    println!("{summary}");
    let compared: usize = tallies.values().map(|t| t.0[0]).sum();
    // The test runner hides a passing test's output; `./x test` prints this file in its summary.
    let _ = std::fs::create_dir_all(repo_root().join("target"));
    let _ = std::fs::write(
        repo_root().join("target/differential.txt"),
        format!("{summary}\n"),
    );
    let _ = std::fs::write(
        repo_root().join("target/differential.json"),
        serde_json::to_string_pretty(&entries).expect("JSON"),
    );
    assert!(
        compared >= 21,
        "every lesson and golden scenario is compared"
    );
    assert!(
        unexplained.is_empty(),
        "unexplained differences:\n{}",
        unexplained.join("\n")
    );
}
