//! The command line: `kafka-model run FILE.json` / `run -`.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kafka-model");

fn golden(name: &str) -> String {
    format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn run_file_prints_the_output_and_exits_0() {
    let out = Command::new(BIN)
        .args(["run", &golden("c-manual-commit-loses-order-5.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(golden("c-manual-commit-loses-order-5.expected.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(printed, expected);
}

#[test]
fn run_stdin_works_and_failed_steps_still_exit_0() {
    let mut child = Command::new(BIN)
        .args(["run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"topics": [{"name": "t"}], "consumers": [{"id": "c", "subscribe": ["t"], "config": {"group.id": "g"}}], "steps": [{"actor": "c", "op": "process"}]}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["steps"][0]["error"], "IllegalState");
}

#[test]
fn invalid_scenario_is_one_line_on_stderr_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("kafka-model-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"steps": [{"op": "pol", "actor": "x"}]}"#).unwrap();
    let out = Command::new(BIN).arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("step 0: field \"op\": unknown op \"pol\""),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_usage_prints_usage_and_exits_2() {
    for args in [
        vec![],
        vec!["walk", "x.json"],
        vec!["run"],
        vec!["run", "a", "b"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: kafka-model run"));
    }
}

#[test]
fn lessons_prints_the_whole_course_with_the_compare_and_experiments_pages() {
    let out = Command::new(BIN).arg("lessons").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = listing
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.first(), Some(&"offsets"));
    assert_eq!(ids[ids.len() - 2..], ["compare", "experiments"]);
    assert_eq!(ids.len(), kafka_model::lesson::lessons().len() + 2);
    let experiments = &listing[ids.len() - 1];
    assert_eq!(experiments["title"], "Experiments");
    assert_eq!(experiments["rules"], serde_json::json!(["L1", "L2"]));
    assert!(experiments["goal"]
        .as_str()
        .unwrap()
        .starts_with("Not graded"));
}
