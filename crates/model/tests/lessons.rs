//! Every lesson is checked against the model: its questions have exactly one right answer, which is what the
//! model then does; its goal is not met by the lesson as written and is met by its solution; and the claims
//! its narration makes hold at the moment it makes them.

use kafka_model::consumer::ConsumerState;
use kafka_model::ledger::Label;
use kafka_model::lesson::{lessons, Check, Lesson};
use kafka_model::partition_log::{EntryKind, TxnStatus};
use kafka_model::producer::ProducerState;
use kafka_model::transaction_coordinator::TxnState;
use kafka_model::Timeline;

const RULE_IDS: &[&str] = &[
    "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "P1", "P2", "P3", "P4", "P5", "P6", "T1", "T2",
    "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "D1", "D2", "D3", "D4", "L1", "L2",
    "S1", "S2", "S3", "S4", "G1", "G2", "G3", "G4", "G5", "G6",
];

fn all() -> Vec<Lesson> {
    lessons()
        .into_iter()
        .map(|lesson| lesson.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn lesson(id: &str) -> Lesson {
    all()
        .into_iter()
        .find(|l| l.id == id)
        .expect("lesson exists")
}

fn at(lesson: &Lesson, steps: usize) -> Timeline {
    let mut timeline = lesson.timeline().unwrap();
    timeline.jump(steps);
    assert_eq!(
        timeline.cursor(),
        steps,
        "{}: step {steps} exists",
        lesson.id
    );
    timeline
}

fn order(i: u32) -> String {
    format!("{{\"order_id\": {i}, \"item\": \"widget\"}}")
}

fn holds(lesson: &Lesson, steps: usize, check: Check) {
    let timeline = at(lesson, steps);
    assert!(
        check.holds(timeline.state()),
        "{} after {steps} steps: expected {check:?}",
        lesson.id
    );
}

/// The step that brings the lesson to `steps` steps failed with `error` (the output's error name).
fn fails_with(lesson: &Lesson, steps: usize, error: &str) {
    let timeline = at(lesson, steps);
    let out = timeline.step_output(steps - 1).unwrap();
    assert_eq!(
        out.error.as_deref(),
        Some(error),
        "{} after {steps} steps",
        lesson.id
    );
}

/// One of the events of the step that brings the lesson to `steps` steps mentions `text`.
fn says(lesson: &Lesson, steps: usize, text: &str) {
    let timeline = at(lesson, steps);
    let out = timeline.step_output(steps - 1).unwrap();
    assert!(
        out.events.iter().any(|e| e.contains(text)),
        "{} after {steps} steps: no event mentions {text:?}: {:?}",
        lesson.id,
        out.events
    );
}

/// The producer id and sequence number of the log entry at `offset`.
fn written_by(lesson: &Lesson, steps: usize, topic: &str, offset: u64, pid: u64, sequence: u32) {
    let timeline = at(lesson, steps);
    let state = kafka_model::output::final_state(timeline.state());
    let entry = state
        .partitions
        .iter()
        .find(|p| p.topic == topic)
        .and_then(|p| p.log.iter().find(|e| e.offset == offset))
        .unwrap_or_else(|| panic!("{} after {steps} steps: no entry {offset}", lesson.id));
    assert_eq!(
        (entry.producer_id, entry.sequence),
        (Some(pid), Some(sequence)),
        "{} after {steps} steps: entry {offset}",
        lesson.id
    );
}

#[test]
fn every_lesson_is_well_formed() {
    for lesson in all() {
        let len = lesson.timeline().unwrap().len();
        assert!(!lesson.rules.is_empty(), "{}", lesson.id);
        for rule in &lesson.rules {
            assert!(
                RULE_IDS.contains(&rule.as_str()),
                "{}: unknown rule {rule}",
                lesson.id
            );
        }
        let mut last = None;
        for entry in &lesson.script {
            assert!(
                entry.at <= len,
                "{}: script at {} past the end",
                lesson.id,
                entry.at
            );
            assert!(
                last < Some(entry.at),
                "{}: script out of order at {}",
                lesson.id,
                entry.at
            );
            last = Some(entry.at);
        }
        let mut from = 0;
        for revision in &lesson.revisions {
            assert!(
                from < revision.from && revision.from <= len,
                "{}: revision from {} out of order or past the end",
                lesson.id,
                revision.from
            );
            from = revision.from;
        }
        let listings = std::iter::once((&lesson.code, &lesson.lines)).chain(
            lesson
                .revisions
                .iter()
                .map(|revision| (&revision.code, &revision.lines)),
        );
        for (code, lines) in listings {
            let longest = code.values().map(Vec::len).max().unwrap_or(0);
            for (key, line) in lines {
                assert!(
                    (1..=longest).contains(line),
                    "{}: {key} points at line {line}",
                    lesson.id
                );
            }
            for flavor in code.keys() {
                assert!(
                    ["kafka-python", "java"].contains(&flavor.as_str()),
                    "{}: {flavor}",
                    lesson.id
                );
            }
        }
    }
}

#[test]
fn every_question_has_exactly_one_answer_and_it_is_what_the_model_does() {
    let mut asked = 0;
    for lesson in all() {
        for entry in &lesson.script {
            let Some(question) = &entry.question else {
                continue;
            };
            assert!(
                question.reveal_at > entry.at,
                "{}: reveal before asking",
                lesson.id
            );
            let timeline = at(&lesson, question.reveal_at);
            let right = question.right_choices(timeline.state());
            assert_eq!(
                right.len(),
                1,
                "{}: \"{}\" has right answers {right:?}",
                lesson.id,
                question.prompt
            );
            // Asked before the answer happens: at the asking moment the right choice is not yet true.
            let before = at(&lesson, entry.at);
            assert!(
                !question.choices[right[0]].check.holds(before.state()),
                "{}: \"{}\" is already answered when asked",
                lesson.id,
                question.prompt
            );
            asked += 1;
        }
    }
    assert!(asked >= 4, "only {asked} questions");
}

#[test]
fn every_goal_is_missed_as_written_and_reached_by_its_solution() {
    for lesson in all() {
        let written = at(&lesson, lesson.timeline().unwrap().len());
        assert!(
            !lesson.goal.reached(written.state()),
            "{}: goal met without trying",
            lesson.id
        );
        let solved = lesson.solved().unwrap();
        assert!(
            lesson.goal.reached(solved.state()),
            "{}: the solution misses the goal",
            lesson.id
        );
    }
}

#[test]
fn every_solution_takes_only_actions_the_palette_offers_and_none_fails() {
    for lesson in all() {
        let mut solved = lesson.solved().unwrap();
        for i in lesson.goal.solution.fork_at..solved.len() {
            solved.jump(i);
            let step = solved.step(i).unwrap().clone();
            assert!(
                kafka_model::enabled_actions(solved.state()).contains(&step.action),
                "{}: solution step {i} ({:?}) is not offered by the action palette",
                lesson.id,
                step.action
            );
            assert!(
                step.result.is_ok(),
                "{}: solution step {i} fails: {:?}",
                lesson.id,
                step.result
            );
        }
    }
}

#[test]
fn every_code_line_key_names_an_actor_and_an_op_of_the_scenario() {
    const OPS: &[&str] = &[
        "send",
        "flush",
        "lose_next_ack",
        "lose_next_request",
        "crash",
        "restart",
        "init_transactions",
        "begin_transaction",
        "commit_transaction",
        "abort_transaction",
        "send_offsets_to_transaction",
        "poll",
        "process",
        "process-fail",
        "process-idempotent",
        "commit",
        "seek",
        "close",
        "advance",
        "crash_broker",
        "restart_broker",
        "pause_replication",
        "resume_replication",
    ];
    for lesson in all() {
        let mut actors = vec!["cluster".to_string()];
        for list in ["producers", "consumers"] {
            for client in lesson.scenario[list].as_array().into_iter().flatten() {
                actors.push(client["id"].as_str().unwrap().to_string());
            }
        }
        let keys = lesson
            .lines
            .keys()
            .chain(lesson.revisions.iter().flat_map(|r| r.lines.keys()));
        for key in keys {
            let (actor, op) = key.split_once(':').unwrap_or(("", ""));
            assert!(
                actors.iter().any(|a| a == actor) && OPS.contains(&op),
                "{}: lines key {key}",
                lesson.id
            );
        }
    }
}

#[test]
fn the_lessons_speak_of_kafka_not_of_the_course_and_set_common_claims_apart() {
    let mut claims = 0;
    for lesson in all() {
        let texts = [&lesson.title, &lesson.summary, &lesson.goal.text]
            .into_iter()
            .chain(lesson.script.iter().map(|e| &e.say))
            .chain(lesson.script.iter().filter_map(|e| e.claim.as_ref()))
            .chain(lesson.script.iter().filter_map(|e| e.hint.as_ref()));
        for text in texts {
            for words in ["starting example", "the course's", "course claims"] {
                assert!(
                    !text.to_lowercase().contains(words),
                    "{}: \"{words}\" in \"{text}\"",
                    lesson.id
                );
            }
        }
        for entry in &lesson.script {
            let Some(claim) = &entry.claim else { continue };
            claims += 1;
            // A claim is a belief to test, stated once; the narration beside it says what to watch, not that it holds.
            let rule_id = claim.split('(').skip(1).any(|after| {
                let mut chars = after.chars();
                chars.next().is_some_and(|c| c.is_ascii_uppercase())
                    && chars.next().is_some_and(|c| c.is_ascii_digit())
            });
            assert!(
                !rule_id,
                "{}: a rule id in the claim \"{claim}\"",
                lesson.id
            );
            assert!(
                entry.at == 0 || entry.question.is_some(),
                "{}: a claim at {} with nothing to test it",
                lesson.id,
                entry.at
            );
        }
    }
    assert!(claims >= 4, "{claims} lessons open with a common claim");
}

#[test]
fn every_goal_states_an_outcome_and_keeps_the_how_for_its_hints() {
    for lesson in all() {
        let goal = &lesson.goal;
        for how in ["fork", "click", "step forward"] {
            assert!(
                !goal.text.to_lowercase().contains(how),
                "{}: the goal says how (\"{how}\"): {}",
                lesson.id,
                goal.text
            );
        }
        assert!(
            goal.hints.len() >= 2,
            "{}: {} hints",
            lesson.id,
            goal.hints.len()
        );
        if let Some(design) = &lesson.design {
            assert!(
                design.hints.len() >= 2,
                "{}: {} design hints",
                lesson.id,
                design.hints.len()
            );
        }
    }
}

#[test]
fn every_rule_is_taught_by_a_lesson() {
    let taught: std::collections::BTreeSet<String> =
        all().into_iter().flat_map(|l| l.rules).collect();
    let missing: Vec<&str> = RULE_IDS
        .iter()
        .copied()
        .filter(|id| !taught.contains(*id))
        .collect();
    assert!(missing.is_empty(), "no lesson teaches {missing:?}");
}

#[test]
fn the_lessons_subcommand_lists_each_lessons_chapters_with_first_and_last_step() {
    let listing = kafka_model::lesson::listing().unwrap();
    for (entry, lesson) in listing.as_array().unwrap().iter().zip(all()) {
        let chapters = entry["chapters"].as_array().unwrap();
        assert_eq!(chapters.len(), lesson.chapters.len(), "{}", lesson.id);
        let mut next = 1;
        for (listed, chapter) in chapters.iter().zip(&lesson.chapters) {
            assert_eq!(listed["title"], chapter.title.as_str());
            assert_eq!(
                listed["first_step"], next,
                "{}: {}",
                lesson.id, chapter.title
            );
            assert_eq!(listed["last_step"], chapter.end);
            next = chapter.end + 1;
        }
        assert_eq!(
            next - 1,
            lesson.timeline().unwrap().len(),
            "{}: the chapters cover the lesson",
            lesson.id
        );
    }
}

/// About a dozen steps each: a learner meets a question or the goal at least every 18 steps.
#[test]
fn every_chapter_is_short_and_ends_in_a_question_or_the_goal() {
    for lesson in all() {
        for (i, chapter) in lesson.chapters.iter().enumerate() {
            let steps = chapter.end - lesson.chapter_start(i);
            assert!(
                steps <= 18,
                "{}: chapter \"{}\" has {steps} steps",
                lesson.id,
                chapter.title
            );
            assert_eq!(
                lesson.chapter_at(chapter.end),
                i,
                "{}: the chapter holds its end",
                lesson.id
            );
            assert_eq!(lesson.chapter_at(lesson.chapter_start(i) + 1), i);
        }
    }
}

#[test]
fn a_chapter_that_ends_without_a_question_is_refused_by_name() {
    let text = include_str!("../lessons/offsets.json");
    let mut lesson: serde_json::Value = serde_json::from_str(text).unwrap();
    lesson["chapters"][0]["end"] = serde_json::json!(6);
    let error = Lesson::parse("offsets", &lesson.to_string())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "lesson offsets: chapter \"A log of numbered records\" ends at step 6 where no question is asked"
    );
    lesson["chapters"] = serde_json::json!([{ "title": "All of it", "end": 19 }]);
    let error = Lesson::parse("offsets", &lesson.to_string())
        .unwrap_err()
        .to_string();
    assert_eq!(error, "lesson offsets: its last chapter, \"All of it\", ends at step 19 but the lesson has 20 steps");
}

#[test]
fn the_lessons_subcommand_lists_every_lesson_then_the_compare_and_experiments_pages() {
    let listing = kafka_model::lesson::listing().unwrap();
    let entries = listing.as_array().unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let mut expected: Vec<String> = all().into_iter().map(|l| l.id).collect();
    expected.extend(["compare".to_string(), "experiments".to_string()]);
    assert_eq!(ids, expected);
    for entry in entries {
        let mut keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let lesson = !["compare", "experiments"].contains(&entry["id"].as_str().unwrap());
        let expected: &[&str] = if lesson {
            &["chapters", "goal", "id", "rules", "title"]
        } else {
            &["goal", "id", "rules", "title"]
        };
        assert_eq!(keys, expected, "{entry}");
        assert!(!entry["title"].as_str().unwrap().is_empty());
        assert!(!entry["goal"].as_str().unwrap().is_empty());
        for rule in entry["rules"].as_array().unwrap() {
            assert!(RULE_IDS.contains(&rule.as_str().unwrap()), "{entry}");
        }
    }
    let compare = &entries[entries.len() - 2];
    assert_eq!(compare["title"], "Compare the three guarantees");
    assert_eq!(compare["rules"], serde_json::json!(["L2"]));
}

#[test]
fn manual_commit_lesson_claims_hold() {
    let l = lesson("manual-commit");
    let g = "order-processor-v2";
    let committed = |offset| Check::Committed {
        group: g.into(),
        topic: "orders".into(),
        partition: 0,
        offset,
    };
    let position = |offset| Check::Position {
        consumer: "worker".into(),
        topic: "orders".into(),
        partition: 0,
        offset,
    };
    // "The ten orders are in the log at offsets 0 to 9."
    holds(
        &l,
        11,
        Check::Records {
            topic: "orders".into(),
            partition: 0,
            count: 10,
        },
    );
    // "starts it at offset 0 … its position is already 1"
    holds(&l, 12, position(1));
    holds(&l, 12, committed(None));
    // "commit() stored 1"
    holds(&l, 14, committed(Some(1)));
    // "The iterator just handed out order 5."
    holds(&l, 27, position(6));
    holds(&l, 27, committed(Some(5)));
    // "did not commit — but the position is already 6"
    holds(&l, 28, committed(Some(5)));
    holds(&l, 28, position(6));
    holds(
        &l,
        28,
        Check::Processed {
            value: order(5),
            group: g.into(),
            times: 0,
        },
    );
    // "The commit after order 6 stored 7 … the ledger labels order 5 lost"
    holds(&l, 31, committed(Some(7)));
    holds(
        &l,
        31,
        Check::Label {
            value: order(5),
            label: Label::Lost,
            present: true,
        },
    );
    // "Its committed offset, 10, is all that the group remembers."
    holds(
        &l,
        41,
        Check::ConsumerState {
            consumer: "worker".into(),
            state: ConsumerState::Crashed,
        },
    );
    holds(&l, 41, committed(Some(10)));
    // "resumes at the committed offset, 10: order 5 is not retried"
    holds(&l, 44, position(10));
    holds(
        &l,
        44,
        Check::Processed {
            value: order(5),
            group: g.into(),
            times: 0,
        },
    );
    holds(
        &l,
        44,
        Check::Label {
            value: order(5),
            label: Label::Lost,
            present: true,
        },
    );

    // Part 2: the fixed loop, in group order-processor-v3.
    let v3 = "order-processor-v3";
    let fixed_committed = |offset| committed_in(v3, "orders", offset);
    let fixed_position = |offset| position_of("fixed-worker", "orders", offset);
    // "fixed-worker processed and committed orders 0 and 1 … has committed 2."
    holds(&l, 50, fixed_committed(Some(2)));
    holds(&l, 50, processed(&order(1), v3, 1));
    // "Orders 0 to 4 were processed and committed one by one … the committed offset is 5."
    holds(&l, 59, fixed_committed(Some(5)));
    for i in 0..=4 {
        holds(&l, 59, processed(&order(i), v3, 1));
    }
    // "fixed-worker holds order 5, position 6"
    holds(&l, 60, fixed_position(6));
    // "Processing order 5 raised. The position is already 6"
    holds(&l, 61, fixed_position(6));
    holds(&l, 61, processed(&order(5), v3, 0));
    // "seek() moved the position back to 5. … still 5."
    holds(&l, 62, fixed_position(5));
    holds(&l, 62, fixed_committed(Some(5)));
    // "Order 5 was handed out again and processed this time"
    holds(&l, 64, delivered(&order(5), v3, 2));
    holds(&l, 64, processed(&order(5), v3, 1));
    // "commit() stored 6 … Nothing is lost."
    holds(&l, 65, fixed_committed(Some(6)));
    // "Order 6 is processed … The commit that records it comes next."
    holds(&l, 67, processed(&order(6), v3, 1));
    holds(&l, 67, fixed_committed(Some(6)));
    // "crashes after processing order 6 and before committing it … still 6"
    holds(&l, 68, consumer_state("fixed-worker", "crashed"));
    holds(&l, 68, fixed_committed(Some(6)));
    // "processed a second time: the ledger labels it processed-twice"
    holds(&l, 72, delivered(&order(6), v3, 2));
    holds(&l, 72, processed(&order(6), v3, 2));
    holds(&l, 72, label(&order(6), "processed-twice", true));
    // Part 3: idempotent processing. "fixed-worker holds order 7"; "Order 7 … is saved."
    holds(&l, 74, fixed_position(8));
    holds(&l, 75, processed(&order(7), v3, 1));
    // "the committed offset is still 7"
    holds(&l, 76, consumer_state("fixed-worker", "crashed"));
    holds(&l, 76, fixed_committed(Some(7)));
    // "order 7 is handed out a second time"
    holds(&l, 79, delivered(&order(7), v3, 2));
    // "found order 7 in its database and skipped it … exactly-once: handed out twice, applied once"
    says(
        &l,
        80,
        "already applied by its group, so it skipped the side effect",
    );
    holds(&l, 80, processed(&order(7), v3, 1));
    holds(&l, 80, label(&order(7), "exactly-once", true));
    holds(&l, 80, label(&order(7), "processed-twice", false));
    // "commit() stored 8"; in this group nothing was lost.
    let end = l.timeline().unwrap().len();
    assert_eq!(end, 81);
    holds(&l, end, fixed_committed(Some(8)));
    holds(&l, end, processed(&order(5), v3, 1));
    // The code panel follows the loop: the fixed loop's seek line, then the idempotent lookup.
    let timeline = at(&l, end);
    let line = |at: usize| {
        let step = timeline.step(at - 1).unwrap();
        let (code, _) = l.code_at(at);
        let number = l
            .line_of(at, Some("fixed-worker"), &step.action)
            .expect("every fixed-worker step runs a line");
        code["kafka-python"][number - 1].clone()
    };
    assert!(line(62).contains("consumer.seek("), "{}", line(62));
    assert!(line(61).contains("print(f\"failed"), "{}", line(61));
    assert!(line(80).contains("already_saved"), "{}", line(80));
    assert!(l.code_at(44).0["kafka-python"]
        .iter()
        .any(|line| line.contains("order-processor-v2")));
}

#[test]
fn auto_commit_lesson_claims_hold() {
    let l = lesson("auto-commit");
    let g = "order-processor";
    let committed = |offset| Check::Committed {
        group: g.into(),
        topic: "orders".into(),
        partition: 0,
        offset,
    };
    let position = |offset| Check::Position {
        consumer: "worker".into(),
        topic: "orders".into(),
        partition: 0,
        offset,
    };
    // "starts at the end of the log — which is empty for now"
    holds(&l, 1, position(0));
    holds(
        &l,
        1,
        Check::Records {
            topic: "orders".into(),
            partition: 0,
            count: 0,
        },
    );
    // "the position (1) moves just before each record is handed out"
    holds(&l, 8, position(1));
    // "Five seconds have passed … and yet nothing is committed."
    holds(&l, 18, committed(None));
    // "the group still says 5"
    holds(&l, 30, committed(Some(5)));
    holds(
        &l,
        30,
        Check::Processed {
            value: order(7),
            group: g.into(),
            times: 1,
        },
    );
    holds(
        &l,
        31,
        Check::ConsumerState {
            consumer: "worker".into(),
            state: ConsumerState::Crashed,
        },
    );
    // "Order 5 again."
    holds(&l, 34, position(6));
    // "Orders 5, 6 and 7 were processed twice and nothing was lost"
    for i in 5..=7 {
        holds(
            &l,
            43,
            Check::Processed {
                value: order(i),
                group: g.into(),
                times: 2,
            },
        );
        holds(
            &l,
            43,
            Check::Label {
                value: order(i),
                label: Label::ProcessedTwice,
                present: true,
            },
        );
    }
    for i in 0..=9 {
        holds(
            &l,
            43,
            Check::Label {
                value: order(i),
                label: Label::Lost,
                present: false,
            },
        );
    }

    // Part 2: commit before processing.
    let amo = "order-at-most-once";
    let amo_committed = |offset| committed_in(amo, "orders", offset);
    let amo_position = |offset| position_of("worker-2", "orders", offset);
    // "starts it at offset 0; it holds order 0"
    holds(&l, 44, amo_position(1));
    holds(&l, 44, amo_committed(None));
    // "commit() stored 1 before order 0 was processed"
    holds(&l, 45, amo_committed(Some(1)));
    holds(&l, 45, processed(&order(0), amo, 0));
    holds(&l, 46, processed(&order(0), amo, 1));
    // "holds order 2 and has already committed 3. Order 2 is not processed yet."
    holds(&l, 51, amo_position(3));
    holds(&l, 51, amo_committed(Some(3)));
    holds(&l, 51, processed(&order(2), amo, 0));
    holds(&l, 52, consumer_state("worker-2", "crashed"));
    holds(&l, 52, processed(&order(2), amo, 0));
    // "resumed at the committed offset, 3, and was handed order 3"
    holds(&l, 55, amo_position(4));
    holds(&l, 55, delivered(&order(3), amo, 1));
    holds(&l, 55, delivered(&order(2), amo, 1));
    // "The ledger labels order 2 lost … No order was processed twice."
    let end = l.timeline().unwrap().len();
    assert_eq!(end, 57);
    holds(&l, end, label(&order(2), "lost", true));
    holds(&l, end, processed(&order(2), amo, 0));
    holds(&l, end, processed(&order(3), amo, 1));
    for i in 0..=9 {
        if i != 2 {
            holds(&l, end, label(&order(i), "lost", false));
        }
        holds(
            &l,
            end,
            processed(&order(i), amo, u32::from(i <= 3 && i != 2)),
        );
        holds(
            &l,
            end,
            label(&order(i), "processed-twice", (5..=7).contains(&i)),
        );
    }
}

fn committed_in(group: &str, topic: &str, offset: Option<u64>) -> Check {
    Check::Committed {
        group: group.into(),
        topic: topic.into(),
        partition: 0,
        offset,
    }
}

fn position_of(consumer: &str, topic: &str, offset: u64) -> Check {
    Check::Position {
        consumer: consumer.into(),
        topic: topic.into(),
        partition: 0,
        offset,
    }
}

fn processed(value: &str, group: &str, times: u32) -> Check {
    Check::Processed {
        value: value.into(),
        group: group.into(),
        times,
    }
}

fn delivered(value: &str, group: &str, times: u32) -> Check {
    Check::Delivered {
        value: value.into(),
        group: group.into(),
        times,
    }
}

fn label(value: &str, label: &str, present: bool) -> Check {
    Check::Label {
        value: value.into(),
        label: Label::from_name(label).expect("a label"),
        present,
    }
}

fn records(topic: &str, count: usize) -> Check {
    Check::Records {
        topic: topic.into(),
        partition: 0,
        count,
    }
}

fn consumer_state(consumer: &str, state: &str) -> Check {
    Check::ConsumerState {
        consumer: consumer.into(),
        state: ConsumerState::from_name(state).expect("a consumer state"),
    }
}

#[test]
fn offsets_lesson_claims_hold() {
    let l = lesson("offsets");
    let g = "order-tracker";
    let committed = |offset| committed_in(g, "orders", offset);
    let position = |offset| position_of("worker", "orders", offset);
    // "The five orders are in the log at offsets 0 to 4."
    holds(&l, 6, records("orders", 5));
    for i in 0..5u64 {
        holds(
            &l,
            6,
            Check::Entry {
                topic: "orders".into(),
                partition: 0,
                offset: i,
                entry: EntryKind::Record,
                transaction: None,
                value: Some(order(i as u32)),
            },
        );
    }
    // "started the worker at offset 0 … holds order 0 — position already 1 … committed nothing yet"
    holds(&l, 7, delivered(&order(0), g, 1));
    holds(&l, 7, position(1));
    holds(&l, 7, committed(None));
    // "The group order-tracker now remembers 1."
    holds(&l, 9, committed(Some(1)));
    // "the position is 2 and the committed offset is 1"
    holds(&l, 10, position(2));
    holds(&l, 10, committed(Some(1)));
    // "position 2, committed offset 2"
    holds(&l, 12, position(2));
    holds(&l, 12, committed(Some(2)));
    // "Order 2 is saved … position 3 … the group still says 2"
    holds(&l, 14, processed(&order(2), g, 1));
    holds(&l, 14, position(3));
    holds(&l, 14, committed(Some(2)));
    // "The worker crashed … committed offset, 2, is all that is left."
    holds(&l, 15, consumer_state("worker", "crashed"));
    holds(&l, 15, committed(Some(2)));
    // "started at the committed offset 2. It holds order 2 again, with position 3."
    holds(&l, 18, consumer_state("worker", "running"));
    holds(&l, 18, delivered(&order(2), g, 2));
    holds(&l, 18, position(3));
    // "Order 2 was saved a second time: processed-twice."
    holds(&l, 19, processed(&order(2), g, 2));
    holds(&l, 19, label(&order(2), "processed-twice", true));
    // "The commit stored 3."
    holds(&l, 20, committed(Some(3)));
}

fn copies(value: &str, committed: u32) -> Check {
    Check::Copies {
        value: value.into(),
        committed,
    }
}

fn entry(
    topic: &str,
    offset: u64,
    kind: &str,
    transaction: Option<&str>,
    value: Option<&str>,
) -> Check {
    Check::Entry {
        topic: topic.into(),
        partition: 0,
        offset,
        entry: EntryKind::from_name(kind).expect("an entry kind"),
        transaction: transaction.map(|t| TxnStatus::from_name(t).expect("a transaction status")),
        value: value.map(Into::into),
    }
}

fn producer(
    name: &str,
    state: Option<&str>,
    producer_id: Option<u64>,
    epoch: Option<i16>,
) -> Check {
    Check::Producer {
        producer: name.into(),
        state: state.map(|s| ProducerState::from_name(s).expect("a producer state")),
        producer_id,
        epoch,
    }
}

#[test]
fn producer_retries_lesson_claims_hold() {
    let l = lesson("producer-retries");
    let o = order;
    // "how many times the application sent it (order 5: twice)" (L1)
    holds(
        &l,
        20,
        Check::Sent {
            value: o(5),
            times: 2,
        },
    );
    holds(&l, 20, copies(&o(5), 2));
    holds(
        &l,
        20,
        Check::Sent {
            value: o(6),
            times: 2,
        },
    );
    // "Order 0 is in the log at offset 0"
    holds(&l, 2, entry("orders", 0, "record", None, Some(&o(0))));
    holds(&l, 2, records("orders", 1));
    // "Order 1 is in the log twice, at offsets 1 and 2 … duplicate-in-log"
    holds(&l, 5, copies(&o(1), 2));
    holds(&l, 5, entry("orders", 1, "record", None, Some(&o(1))));
    holds(&l, 5, entry("orders", 2, "record", None, Some(&o(1))));
    holds(&l, 5, label(&o(1), "duplicate-in-log", true));
    // "PID 0, epoch 0"
    holds(
        &l,
        6,
        producer("idempotent", Some("ready"), Some(0), Some(0)),
    );
    // "Order 2 is at offset 3 … PID 0, sequence 0"
    holds(&l, 7, entry("orders", 3, "record", None, Some(&o(2))));
    written_by(&l, 7, "orders", 3, 0, 0);
    // "One copy of order 3, at offset 4"
    holds(&l, 10, copies(&o(3), 1));
    holds(&l, 10, entry("orders", 4, "record", None, Some(&o(3))));
    holds(&l, 10, records("orders", 5));
    written_by(&l, 10, "orders", 4, 0, 1);
    says(&l, 10, "original offset 4");
    // kafka-python resends the lost order 4 before order 5 leaves: no gap, no OutOfOrderSequence (P5)
    says(&l, 14, "was lost on the way");
    let timeline = at(&l, 14);
    assert!(!timeline
        .step_output(13)
        .unwrap()
        .events
        .iter()
        .any(|e| e.contains("OutOfOrderSequence")));
    // "order 4 and order 5 … at offsets 5 and 6, in the order they were sent, each once"
    holds(&l, 13, records("orders", 5));
    holds(&l, 14, entry("orders", 5, "record", None, Some(&o(4))));
    holds(&l, 14, entry("orders", 6, "record", None, Some(&o(5))));
    holds(&l, 14, copies(&o(4), 1));
    holds(&l, 14, copies(&o(5), 1));
    // "idempotent crashed, and order 6 … never reached the broker"
    holds(&l, 16, producer("idempotent", Some("crashed"), None, None));
    holds(&l, 16, copies(&o(6), 0));
    holds(&l, 16, records("orders", 7));
    // "The new instance got a new producer id, PID 1"
    holds(
        &l,
        18,
        producer("idempotent", Some("ready"), Some(1), Some(0)),
    );
    // "Order 5 is in the log twice — offset 6 and offset 7 — and order 6 once, at offset 8."
    holds(&l, 20, copies(&o(5), 2));
    holds(&l, 20, entry("orders", 7, "record", None, Some(&o(5))));
    holds(&l, 20, entry("orders", 8, "record", None, Some(&o(6))));
    holds(&l, 20, copies(&o(6), 1));
    holds(&l, 20, label(&o(5), "duplicate-in-log", true));
    written_by(&l, 20, "orders", 6, 0, 3);
    written_by(&l, 20, "orders", 7, 1, 0);
    // "misconfigured … is in an error state"
    holds(&l, 21, producer("misconfigured", Some("error"), None, None));
    fails_with(&l, 21, "ConfigException");
}

fn result(i: u32) -> String {
    format!("{{\"order_id\": {i}, \"status\": \"processed\"}}")
}

fn transaction(id: &str, state: Option<&str>, epoch: Option<i16>) -> Check {
    Check::Transaction {
        transactional_id: id.into(),
        state: state.map(|s| TxnState::from_name(s).expect("a coordinator state")),
        epoch,
    }
}

fn partition(topic: &str, hw: Option<u64>, lso: Option<u64>, leader: Option<u16>) -> Check {
    Check::Partition {
        topic: topic.into(),
        partition: 0,
        high_watermark: hw,
        last_stable_offset: lso,
        leader,
        offline: None,
        isr: None,
    }
}

#[test]
fn transactions_lesson_claims_hold() {
    let l = lesson("transactions");
    let eos = "order-processor-eos";
    let tx = "order-processor-tx";
    let out = "processed-orders";
    // "Orders 6, 7 and 8 are in orders at offsets 0 to 2."
    for (offset, i) in [(0, 6), (1, 7), (2, 8)] {
        holds(
            &l,
            4,
            entry("orders", offset, "record", None, Some(&order(i))),
        );
    }
    holds(&l, 4, records("orders", 3));
    // "found no committed offset and started at offset 0: it holds order 6"
    holds(&l, 5, committed_in(eos, "orders", None));
    holds(&l, 5, delivered(&order(6), eos, 1));
    holds(&l, 5, position_of("worker", "orders", 1));
    // "PID 1, epoch 0 … it is Empty" (the order producer, idempotent by default, took PID 0)
    holds(
        &l,
        6,
        producer("processor", Some("ready"), Some(1), Some(0)),
    );
    holds(&l, 6, transaction(tx, Some("Empty"), Some(0)));
    // "begin_transaction() changed only the client."
    holds(
        &l,
        7,
        producer("processor", Some("in_transaction"), None, None),
    );
    holds(&l, 7, transaction(tx, Some("Empty"), None));
    // "added that partition … Empty to Ongoing. The result for order 6 is in flight."
    holds(&l, 9, transaction(tx, Some("Ongoing"), None));
    holds(&l, 9, records(out, 0));
    // "delivered the result (offset 0) … PrepareCommit … still open"
    holds(
        &l,
        10,
        entry(out, 0, "record", Some("open"), Some(&result(6))),
    );
    holds(&l, 10, transaction(tx, Some("PrepareCommit"), None));
    holds(&l, 10, producer("processor", Some("ready"), None, None));
    // "The COMMIT marker took offset 1 … CompleteCommit … shipping … handed the result for order 6"
    holds(&l, 11, entry(out, 1, "commit_marker", None, None));
    holds(&l, 11, entry(out, 0, "record", Some("committed"), None));
    holds(&l, 11, transaction(tx, Some("CompleteCommit"), None));
    holds(&l, 11, delivered(&result(6), "shipping", 1));
    holds(&l, 11, position_of("shipping", out, 1));
    // "billing … was handed the same result"
    holds(&l, 12, delivered(&result(6), "billing", 1));
    // "the worker holds order 7, position 2"
    holds(&l, 13, delivered(&order(7), eos, 1));
    holds(&l, 13, position_of("worker", "orders", 2));
    // "init_transactions() again … kafka-python silently does nothing"
    says(&l, 14, "silently does nothing");
    holds(
        &l,
        14,
        producer("processor", Some("ready"), Some(1), Some(0)),
    );
    holds(&l, 14, transaction(tx, Some("CompleteCommit"), Some(0)));
    // "Order 7 is written to the database."
    holds(&l, 16, processed(&order(7), eos, 1));
    // "CompleteCommit to Ongoing … in flight"
    holds(&l, 17, transaction(tx, Some("Ongoing"), None));
    holds(&l, 17, records(out, 1));
    // "offset 2, still open. The high watermark is 3, but the LSO is 2"
    holds(
        &l,
        18,
        entry(out, 2, "record", Some("open"), Some(&result(7))),
    );
    holds(&l, 18, partition(out, Some(3), Some(2), None));
    // "shipping was handed the open result … aborted-read"
    holds(&l, 19, delivered(&result(7), "shipping", 1));
    holds(&l, 19, label(&result(7), "aborted-read", true));
    // "billing polled and got nothing … LSO, 2"
    holds(&l, 20, delivered(&result(7), "billing", 0));
    holds(&l, 20, delivered(&result(6), "billing", 1));
    holds(&l, 20, partition(out, Some(3), Some(2), None));
    // "PrepareAbort … The database write for order 7 is not undone"
    holds(&l, 21, transaction(tx, Some("PrepareAbort"), None));
    holds(&l, 21, processed(&order(7), eos, 1));
    holds(&l, 21, position_of("worker", "orders", 2));
    // "The ABORT marker took offset 3 … aborted … handed order 8"
    holds(&l, 22, entry(out, 3, "abort_marker", None, None));
    holds(&l, 22, entry(out, 2, "record", Some("aborted"), None));
    holds(&l, 22, transaction(tx, Some("CompleteAbort"), None));
    holds(&l, 22, delivered(&order(8), eos, 1));
    holds(&l, 22, delivered(&order(7), eos, 1));
    holds(&l, 22, position_of("worker", "orders", 3));
    // "The result for order 8 is in flight."
    holds(&l, 26, records(out, 2));
    holds(&l, 26, transaction(tx, Some("Ongoing"), None));
    // "PrepareCommit … no committed offset at all"
    holds(&l, 27, transaction(tx, Some("PrepareCommit"), None));
    holds(&l, 27, committed_in(eos, "orders", None));
    // "The COMMIT marker took offset 5. billing skipped … result for order 8, position 5."
    holds(&l, 28, entry(out, 5, "commit_marker", None, None));
    holds(&l, 28, delivered(&result(8), "billing", 1));
    holds(&l, 28, delivered(&result(7), "billing", 0));
    holds(&l, 28, position_of("billing", out, 5));
    // "Both … crashed. … never committed an offset."
    holds(&l, 30, consumer_state("worker", "crashed"));
    holds(&l, 30, producer("processor", Some("crashed"), None, None));
    holds(&l, 30, committed_in(eos, "orders", None));
    // "kept PID 1 and bumped the epoch to 1" (the corrected loop: once, before the loop)
    holds(
        &l,
        34,
        producer("processor", Some("ready"), Some(1), Some(1)),
    );
    holds(&l, 34, transaction(tx, None, Some(1)));
    // "started the worker at offset 0: order 6 again"
    holds(&l, 35, delivered(&order(6), eos, 2));
    holds(&l, 35, position_of("worker", "orders", 1));
    // "Order 6 was written to the database a second time"
    holds(&l, 38, processed(&order(6), eos, 2));
    holds(&l, 38, label(&order(6), "processed-twice", true));
    // "added the worker's position, 1, … It is pending"
    says(&l, 39, "pending offset 1 for orders-0");
    holds(&l, 39, committed_in(eos, "orders", None));
    // "PrepareCommit … The markers come next"
    holds(&l, 40, transaction(tx, Some("PrepareCommit"), None));
    holds(&l, 40, committed_in(eos, "orders", None));
    // "COMMIT at offset 7 …, the group's committed offset is now 1 … second committed result for order 6"
    holds(&l, 41, entry(out, 7, "commit_marker", None, None));
    holds(&l, 41, committed_in(eos, "orders", Some(1)));
    holds(
        &l,
        41,
        entry(out, 6, "record", Some("committed"), Some(&result(6))),
    );
    holds(&l, 41, delivered(&result(6), "billing", 2));
    holds(&l, 41, copies(&result(6), 2));
    holds(&l, 41, label(&result(6), "duplicate-in-log", true));
    // "shipping caught up: … result for order 8 and the second result for order 6"
    holds(&l, 43, delivered(&result(8), "shipping", 1));
    holds(&l, 43, delivered(&result(6), "shipping", 2));
    // "the worker holds it, position 2"
    holds(&l, 44, delivered(&order(7), eos, 2));
    holds(&l, 44, position_of("worker", "orders", 2));
    // "at offset 8, in an open transaction. The high watermark is 9, the last stable offset 8"
    holds(
        &l,
        47,
        entry(out, 8, "record", Some("open"), Some(&result(7))),
    );
    holds(&l, 47, partition(out, Some(9), Some(8), None));
    // "shipping was handed the open result for order 7 … a second time"
    holds(&l, 48, delivered(&result(7), "shipping", 2));
    holds(&l, 48, position_of("shipping", out, 9));
    // "billing, on the same partition, got nothing: read_committed stops at the LSO, 8"
    holds(&l, 49, delivered(&result(7), "billing", 0));
    holds(&l, 49, partition(out, Some(9), Some(8), None));
    says(&l, 49, "billing is caught up");
    // "check(order) raised … nothing was written to the database"
    holds(&l, 50, processed(&order(7), eos, 1));
    // "PrepareAbort … The worker's position is still 2"
    holds(&l, 51, transaction(tx, Some("PrepareAbort"), None));
    holds(&l, 51, position_of("worker", "orders", 2));
    holds(&l, 51, committed_in(eos, "orders", Some(1)));
    // "The ABORT marker took offset 9. seek() moved the worker's position back to 1"
    holds(&l, 52, entry(out, 9, "abort_marker", None, None));
    holds(
        &l,
        52,
        entry(out, 8, "record", Some("aborted"), Some(&result(7))),
    );
    holds(&l, 52, position_of("worker", "orders", 1));
    // "Order 7 again"
    holds(&l, 53, delivered(&order(7), eos, 3));
    // "order 7 was saved — for the second time"
    holds(&l, 56, processed(&order(7), eos, 2));
    // "the result for order 7 (offset 10) and the group's offset 2 will commit together"
    holds(&l, 58, transaction(tx, Some("PrepareCommit"), None));
    holds(
        &l,
        58,
        entry(out, 10, "record", Some("open"), Some(&result(7))),
    );
    holds(&l, 58, committed_in(eos, "orders", Some(1)));
    // "billing skipped the aborted result at offset 8 and both markers and was handed … order 7, at offset 10.
    // The group's committed offset is 2."
    let end = l.timeline().unwrap().len();
    assert_eq!(end, 59);
    holds(
        &l,
        end,
        entry(out, 10, "record", Some("committed"), Some(&result(7))),
    );
    holds(&l, end, delivered(&result(7), "billing", 1));
    holds(&l, end, position_of("billing", out, 11));
    holds(&l, end, committed_in(eos, "orders", Some(2)));
    holds(&l, end, copies(&result(7), 1));
    // The seek back after the abort is one the action palette offers, so a learner can take it too.
    let after_abort = at(&l, 51);
    let seek = &after_abort.step(51).unwrap().action;
    assert!(matches!(seek, kafka_model::Action::ConsumerSeek { .. }));
    assert!(kafka_model::enabled_actions(after_abort.state()).contains(seek));
    // The code panel shows the loop as written, then the corrected loop from the restart on.
    let timeline = at(&l, end);
    let line = |at: usize| {
        let step = timeline.step(at - 1).unwrap();
        let actor = kafka_model::output::actor_name(&timeline.names(), &step.action);
        let number = l.line_of(at, actor.as_deref(), &step.action).unwrap();
        l.code_at(at).0["kafka-python"][number - 1]
            .trim()
            .to_string()
    };
    assert_eq!(line(14), "producer.init_transactions()");
    assert_eq!(
        line(34),
        "producer.init_transactions()  # once, before the loop"
    );
    assert!(line(39).starts_with("producer.send_offsets_to_transaction("));
    assert!(line(50).starts_with("check(order)"));
    assert!(line(52).starts_with("consumer.seek(tp, consumer.committed(tp))"));
}

#[test]
fn zombie_fencing_lesson_claims_hold() {
    let l = lesson("zombie-fencing");
    let (a, b) = ("instance-a", "instance-b");
    let tx = "order-processor-tx";
    let out = "processed-orders";
    // "PID 0, epoch 0"
    holds(&l, 1, producer(a, Some("ready"), Some(0), Some(0)));
    holds(&l, 1, transaction(tx, Some("Empty"), Some(0)));
    // "the coordinator is Ongoing"
    holds(&l, 3, transaction(tx, Some("Ongoing"), None));
    // "result for order 1 … at offset 0, still open"
    holds(
        &l,
        4,
        entry(out, 0, "record", Some("open"), Some(&result(1))),
    );
    // "the open transaction holds the last stable offset at 0: poll returned nothing"
    holds(&l, 5, partition(out, Some(1), Some(0), None));
    holds(&l, 5, delivered(&result(1), "shipping", 0));
    holds(&l, 5, consumer_state("shipping", "running"));
    // "A does nothing" (still in its transaction)
    holds(&l, 6, producer(a, Some("in_transaction"), None, Some(0)));
    // "ABORT marker at offset 1 … aborted … B got PID 0 with epoch 2 … A still holds epoch 0"
    holds(&l, 7, entry(out, 1, "abort_marker", None, None));
    holds(&l, 7, entry(out, 0, "record", Some("aborted"), None));
    holds(&l, 7, producer(b, Some("ready"), Some(0), Some(2)));
    holds(&l, 7, transaction(tx, Some("Empty"), Some(2)));
    holds(&l, 7, producer(a, Some("in_transaction"), Some(0), Some(0)));
    // "B's results … in flight in a new transaction"
    holds(&l, 10, transaction(tx, Some("Ongoing"), None));
    holds(&l, 10, records(out, 1));
    // "B committed: offsets 2 and 3 … PrepareCommit"
    holds(&l, 11, entry(out, 2, "record", None, Some(&result(1))));
    holds(&l, 11, entry(out, 3, "record", None, Some(&result(2))));
    holds(&l, 11, transaction(tx, Some("PrepareCommit"), None));
    // "COMMIT marker … offset 4. … refused with InvalidProducerEpoch … order 2 never reached the log … asks the
    // transaction coordinator to bump its own epoch"
    holds(&l, 13, entry(out, 4, "commit_marker", None, None));
    fails_with(&l, 13, "InvalidProducerEpoch");
    holds(&l, 13, producer(a, Some("bumping_epoch"), None, None));
    holds(&l, 13, copies(&result(2), 1));
    holds(&l, 13, records(out, 3));
    // "the coordinator refused … A is fenced"
    holds(&l, 14, producer(a, Some("fenced"), None, None));
    holds(&l, 14, transaction(tx, Some("CompleteCommit"), Some(2)));
    // "A's commit_transaction() failed with ProducerFenced"
    fails_with(&l, 15, "ProducerFenced");
    // "the first result it was handed is B's, for order 1, at offset 2"
    holds(&l, 16, delivered(&result(1), "shipping", 1));
    holds(&l, 16, position_of("shipping", out, 3));
    // "shipped orders 1 and 2 once each, although the result for order 1 was written twice"
    for i in [1, 2] {
        holds(&l, 19, processed(&result(i), "shipping", 1));
        holds(&l, 19, label(&result(i), "exactly-once", true));
    }
    holds(&l, 19, records(out, 3));
}

#[test]
fn java_poll_loop_lesson_claims_hold() {
    let l = lesson("java-poll-loop");
    let g = "order-processor-java";
    let committed = |offset| committed_in(g, "orders", offset);
    let position = |offset| position_of("worker", "orders", offset);
    // "Orders 0 to 4 are in the log at offsets 0 to 4."
    for i in 0..5u32 {
        holds(
            &l,
            6,
            entry("orders", i.into(), "record", None, Some(&order(i))),
        );
    }
    // "poll() returned orders 0 to 4 in one batch … position 5 … nothing processed or committed"
    for i in 0..5 {
        holds(&l, 7, delivered(&order(i), g, 1));
        holds(&l, 7, processed(&order(i), g, 0));
    }
    holds(&l, 7, position(5));
    holds(&l, 7, committed(None));
    // "Order 0 is processed."
    holds(&l, 8, processed(&order(0), g, 1));
    // "commitSync() stored 5 … only order 0 is [done] … ledger labels orders 1 to 4 lost"
    holds(&l, 9, committed(Some(5)));
    for i in 1..5 {
        holds(&l, 9, processed(&order(i), g, 0));
        holds(&l, 9, label(&order(i), "lost", true));
    }
    // "Orders 1 and 2 are processed too; the committed offset stayed at 5."
    holds(&l, 12, processed(&order(1), g, 1));
    holds(&l, 12, processed(&order(2), g, 1));
    holds(&l, 12, processed(&order(3), g, 0));
    holds(&l, 12, committed(Some(5)));
    // "The worker crashed … committed offset is 5."
    holds(&l, 13, consumer_state("worker", "crashed"));
    holds(&l, 13, committed(Some(5)));
    // "started at 5 … orders 3 and 4 were never processed"
    holds(&l, 16, position(5));
    for i in [3, 4] {
        holds(&l, 16, processed(&order(i), g, 0));
        holds(&l, 16, label(&order(i), "lost", true));
    }
}

fn replicas(leader: Option<u16>, isr: &[u16], hw: Option<u64>) -> Check {
    Check::Partition {
        topic: "orders".into(),
        partition: 0,
        high_watermark: hw,
        last_stable_offset: None,
        leader,
        offline: Some(leader.is_none()),
        isr: Some(isr.to_vec()),
    }
}

#[test]
fn durability_lesson_claims_hold() {
    let l = lesson("durability");
    let o = order;
    // "The broker wrote order 0 at offset 0, but the producer never learned that offset"
    says(&l, 2, "never learns the offset");
    holds(&l, 2, entry("orders", 0, "record", None, Some(&o(0))));
    // "the leader answered … order 1"
    holds(&l, 4, entry("orders", 1, "record", None, Some(&o(1))));
    // "every replica in the ISR — brokers 0 and 1 — had order 2 … high watermark … 3"
    holds(&l, 6, replicas(Some(0), &[0, 1], Some(3)));
    holds(&l, 6, copies(&o(2), 1));
    // "It stays in the ISR for now"
    holds(&l, 7, replicas(Some(0), &[0, 1], Some(3)));
    // "the leader wrote it at offset 3 … the high watermark is still 3"
    holds(&l, 9, entry("orders", 3, "record", None, Some(&o(3))));
    holds(&l, 9, replicas(Some(0), &[0, 1], Some(3)));
    // "broker 1 became the leader … order 3 is gone … lost"
    holds(&l, 10, replicas(Some(1), &[1], None));
    holds(&l, 10, copies(&o(3), 0));
    holds(&l, 10, records("orders", 3));
    holds(&l, 10, label(&o(3), "lost", true));
    // "The ISR is broker 1 alone."
    holds(&l, 11, replicas(Some(1), &[1], None));
    // "refused it with NotEnoughReplicas … Nothing was written … tried again on its own until
    // delivery.timeout.ms … fail, with a timeout"
    says(&l, 13, "NotEnoughReplicas");
    fails_with(&l, 13, "RequestTimedOut");
    holds(&l, 13, copies(&o(4), 0));
    holds(&l, 13, records("orders", 3));
    // "Order 5 is at offset 3"
    holds(&l, 15, entry("orders", 3, "record", None, Some(&o(5))));
    // "Broker 0 came back … rejoined the ISR. Order 3 is gone from both replicas."
    holds(&l, 16, replicas(Some(1), &[0, 1], Some(4)));
    holds(&l, 16, copies(&o(3), 0));
    // "the application's retry of order 4 went through: offset 4"
    holds(&l, 18, entry("orders", 4, "record", None, Some(&o(4))));
    holds(&l, 18, copies(&o(4), 1));
    holds(&l, 18, replicas(Some(1), &[0, 1], Some(5)));
    // "order 6 is at offset 5, on the leader, broker 1, only"
    holds(&l, 21, entry("orders", 5, "record", None, Some(&o(6))));
    holds(&l, 21, replicas(Some(1), &[0, 1], Some(5)));
    // "broker 0 … left the ISR"
    holds(&l, 22, replicas(Some(1), &[1], None));
    // "orders-0 has no leader"
    holds(&l, 23, replicas(None, &[1], None));
    // "no leader to write to (LeaderNotAvailable) … then the send failed with a timeout"
    says(&l, 25, "LeaderNotAvailable");
    fails_with(&l, 25, "RequestTimedOut");
    holds(&l, 25, copies(&o(7), 0));
    // "Broker 1 came back with order 6 and leads again … only order 3 … is gone"
    holds(&l, 26, replicas(Some(1), &[1], None));
    holds(&l, 26, copies(&o(6), 1));
    for i in [0, 1, 2, 4, 5, 6] {
        holds(&l, 26, label(&o(i), "lost", false));
    }
    holds(&l, 26, label(&o(3), "lost", true));
}

#[test]
fn transaction_timeout_lesson_claims_hold() {
    let l = lesson("transaction-timeout");
    let tx = "order-processor-tx";
    let out = "processed-orders";
    let p = "processor";
    // "PID 0, epoch 0"
    holds(&l, 1, producer(p, Some("ready"), Some(0), Some(0)));
    // "The transaction is Ongoing from this moment"
    holds(&l, 3, transaction(tx, Some("Ongoing"), Some(0)));
    // "at offset 0, open"
    holds(
        &l,
        4,
        entry(out, 0, "record", Some("open"), Some(&result(1))),
    );
    // "shipping … got nothing: the open transaction holds the LSO at 0"
    holds(&l, 5, delivered(&result(1), "shipping", 0));
    holds(&l, 5, partition(out, Some(1), Some(0), None));
    // "raised the epoch (PrepareEpochFence), aborted … ABORT marker at offset 1 … LSO moved past the marker"
    says(&l, 6, "PrepareEpochFence");
    holds(&l, 6, transaction(tx, Some("CompleteAbort"), Some(1)));
    holds(&l, 6, entry(out, 0, "record", Some("aborted"), None));
    holds(&l, 6, entry(out, 1, "abort_marker", None, None));
    holds(&l, 6, partition(out, Some(2), Some(2), None));
    // "commit_transaction() failed with ProducerFenced"
    fails_with(&l, 7, "ProducerFenced");
    holds(&l, 7, producer(p, Some("fenced"), Some(0), Some(0)));
    // "a new one started"
    holds(&l, 9, producer(p, Some("ready"), None, None));
    // "PID 0 with epoch 2"
    holds(&l, 10, producer(p, Some("ready"), Some(0), Some(2)));
    // "wrote the result for order 1 again, at offset 2, and committed"
    holds(&l, 13, entry(out, 2, "record", None, Some(&result(1))));
    holds(&l, 13, transaction(tx, Some("PrepareCommit"), None));
    // "COMMIT marker took offset 3; shipping … shipped order 1 once"
    holds(&l, 15, entry(out, 3, "commit_marker", None, None));
    holds(&l, 15, entry(out, 2, "record", Some("committed"), None));
    holds(&l, 15, processed(&result(1), "shipping", 1));
    holds(&l, 15, label(&result(1), "exactly-once", true));
}

#[test]
fn transaction_version_2_lesson_claims_hold() {
    let l = lesson("transaction-version-2");
    // "init_transactions() gave PID 0 and epoch 0"
    holds(
        &l,
        1,
        producer("processor", Some("ready"), Some(0), Some(0)),
    );
    // "a waits in the producer … will carry results-0 into the transaction by itself"
    holds(&l, 3, records("results", 0));
    holds(&l, 3, transaction("tx", Some("Empty"), None));
    // "its produce request added results-0 … Committed, and the epoch is now 1"
    says(&l, 4, "implicitly");
    holds(&l, 4, producer("processor", None, None, Some(1)));
    holds(&l, 4, transaction("tx", Some("PrepareCommit"), None));
    // "The reader got a. The marker took offset 1"
    holds(&l, 5, entry("results", 1, "commit_marker", None, None));
    holds(
        &l,
        5,
        Check::Delivered {
            value: "a".into(),
            group: "r".into(),
            times: 1,
        },
    );
    // "b never left the producer … the epoch moved again, to 2"
    says(&l, 8, "never sent");
    holds(&l, 8, producer("processor", None, None, Some(2)));
    // "no b, and no ABORT marker … The reader has nothing new"
    holds(&l, 9, partition("results", Some(2), Some(2), None));
    holds(&l, 9, transaction("tx", Some("CompleteAbort"), Some(2)));
    holds(
        &l,
        9,
        Check::Delivered {
            value: "b".into(),
            group: "r".into(),
            times: 0,
        },
    );
}

/// A goal is judged once the cluster has settled: right after `commit_transaction`, before any other step
/// lets the coordinator write its markers, a goal that needs the commit is already met.
#[test]
fn goals_count_a_committed_transaction_without_waiting_for_another_step() {
    for id in ["transactions", "transaction-timeout"] {
        let l = lesson(id);
        let mut timeline = l.solved().unwrap();
        let commit = (0..timeline.len())
            .rev()
            .find(|&i| {
                matches!(
                    timeline.steps()[i].action,
                    kafka_model::Action::ProducerCommitTransaction { .. }
                )
            })
            .expect("the solution commits");
        timeline.jump(commit + 1);
        let state = timeline.state();
        assert!(
            !l.goal.checks.iter().all(|c| c.holds(state)),
            "{id}: the markers are still owed right after the commit"
        );
        assert!(l.goal.reached(state), "{id}: {:?}", l.goal.failure(state));
    }
}

/// A goal about every order processed exactly once is not met by orders nobody processed (L2), and the
/// grader names the first such order.
#[test]
fn a_goal_names_the_message_that_fails_it() {
    let l = lesson("auto-commit");
    let mut timeline = l.timeline().unwrap();
    timeline.jump(l.goal.solution.fork_at);
    let close = kafka_model::scenario::parse_step(
        timeline.state().setup(),
        &mut kafka_model::scenario::Texts::default(),
        0,
        &serde_json::json!({ "actor": "worker", "op": "close" }),
    )
    .unwrap();
    timeline.apply(close);
    let failure = l
        .goal
        .failure(timeline.state())
        .expect("closing alone does not reach the goal");
    assert!(failure.contains("not-processed"), "{failure}");
    assert!(
        failure.starts_with('#'),
        "the failure names the order: {failure}"
    );
}

fn owns(consumer: &str, partition: u32, present: bool) -> Check {
    Check::Assigned {
        consumer: consumer.into(),
        topic: "orders".into(),
        partition,
        present,
    }
}

#[test]
fn slow_consumer_lesson_claims_hold() {
    let l = lesson("slow-consumer");
    let g = "billing";
    // "worker-a joined first and was given both partitions … worker-b waits"
    holds(&l, 1, owns("worker-a", 0, true));
    holds(&l, 1, owns("worker-a", 1, true));
    says(&l, 2, "worker-b waits in group billing");
    // "Generation 2: each worker owns one partition."
    for (worker, p) in [("worker-a", 0), ("worker-b", 1)] {
        holds(&l, 3, owns(worker, p, true));
        holds(&l, 3, owns(worker, 1 - p, false));
    }
    // "worker-b charged order 3 and committed 1 for orders-1."
    holds(&l, 11, processed(&order(3), g, 1));
    holds(&l, 11, committed_in_partition(g, 1, Some(1)));
    // "worker-a's poll() returned orders 0 to 2 in one batch"
    for i in 0..3 {
        holds(&l, 12, delivered(&order(i), g, 1));
    }
    // "Order 0 is charged, 50 s after the poll." / "worker-b polled again"
    holds(&l, 14, processed(&order(0), g, 1));
    holds(
        &l,
        14,
        Check::Clock {
            at_least_ms: 50_000,
        },
    );
    // "worker-a charged order 1, and meanwhile its 90 s ran out: its client left the group … still holds order 2"
    holds(&l, 17, processed(&order(1), g, 1));
    says(
        &l,
        17,
        "worker-a did not call poll() within max.poll.interval.ms",
    );
    holds(&l, 17, owns("worker-a", 0, false));
    // "generation 3: worker-b owns both partitions … orders 0 to 2 again"
    holds(&l, 18, owns("worker-b", 0, true));
    holds(&l, 18, owns("worker-b", 1, true));
    for i in 0..3 {
        holds(&l, 18, delivered(&order(i), g, 2));
    }
    // "commitSync() threw CommitFailedException … the group's offsets stay as they were"
    fails_with(&l, 20, "CommitFailed");
    holds(&l, 20, committed_in(g, "orders", None));
    holds(&l, 20, processed(&order(2), g, 1));
    // "worker-b charged orders 0 to 2 a second time and committed 3"
    for i in 0..3 {
        holds(&l, 24, processed(&order(i), g, 2));
    }
    holds(&l, 24, committed_in(g, "orders", Some(3)));
}

fn committed_in_partition(group: &str, partition: u32, offset: Option<u64>) -> Check {
    Check::Committed {
        group: group.into(),
        topic: "orders".into(),
        partition,
        offset,
    }
}

#[test]
fn rebalance_duplicates_lesson_claims_hold() {
    let l = lesson("rebalance-duplicates");
    let g = "shipping";
    // "worker-a joined first and was given both partitions … worker-b waits"
    holds(&l, 1, owns("worker-a", 1, true));
    says(&l, 2, "worker-b waits in group shipping");
    // "Generation 2: worker-a reads orders-0, worker-b orders-1."
    holds(&l, 3, owns("worker-a", 0, true));
    holds(&l, 3, owns("worker-b", 1, true));
    // "worker-a shipped order 0 and committed 1 …; worker-b shipped order 2 and committed 1"
    holds(&l, 14, processed(&order(0), g, 1));
    holds(&l, 14, processed(&order(2), g, 1));
    holds(&l, 14, committed_in_partition(g, 0, Some(1)));
    holds(&l, 14, committed_in_partition(g, 1, Some(1)));
    // "worker-b shipped order 3." / "crashed before that commit: the group still says 1"
    holds(&l, 16, processed(&order(3), g, 1));
    holds(&l, 17, consumer_state("worker-b", "crashed"));
    holds(&l, 17, committed_in_partition(g, 1, Some(1)));
    // "Nobody reads orders-1: the group keeps it for worker-b"
    holds(&l, 20, owns("worker-a", 1, false));
    // "45 s later the coordinator removes worker-b and starts a rebalance"
    says(&l, 21, "removed it from group shipping");
    // "worker-a owns both partitions and started orders-1 at the committed offset 1: order 3 again."
    holds(&l, 22, owns("worker-a", 1, true));
    holds(&l, 22, delivered(&order(3), g, 2));
    // "worker-a shipped order 3 a second time."
    holds(&l, 24, processed(&order(3), g, 2));
    holds(&l, 24, label(&order(3), "processed-twice", true));
}

#[test]
fn poison_pill_lesson_claims_hold() {
    let l = lesson("poison-pill");
    let g = "billing";
    let priced = |i: u32, price: &str| {
        format!("{{\"order_id\": {i}, \"item\": \"widget\", \"price\": {price}}}")
    };
    let pill = priced(1, "\"five\"");
    // "Four orders are in the log. Order 1, at offset 1, carries the bad price."
    holds(&l, 5, records("orders", 4));
    holds(&l, 5, entry("orders", 1, "record", None, Some(&pill)));
    // "worker charged order 0 and committed 1."
    holds(&l, 8, processed(&priced(0, "5"), g, 1));
    holds(&l, 8, committed_in(g, "orders", Some(1)));
    // "charge() raised. The position had already moved to 2 … the committed offset stays 1."
    holds(&l, 10, processed(&pill, g, 0));
    holds(&l, 10, position_of("worker", "orders", 2));
    holds(&l, 10, committed_in(g, "orders", Some(1)));
    // "seek() moved the position back to 1"
    holds(&l, 11, position_of("worker", "orders", 1));
    // "Order 1 again, and the same error"
    holds(&l, 13, delivered(&pill, g, 2));
    // "Four tries, four failures … orders 2 and 3 are never read … it resumes at the committed offset, order 1."
    holds(&l, 20, delivered(&pill, g, 4));
    holds(&l, 20, processed(&pill, g, 0));
    for i in 2..4 {
        holds(&l, 20, delivered(&priced(i, "5"), g, 0));
    }
    holds(&l, 20, committed_in(g, "orders", Some(1)));
    // "worker closes and leaves the group."
    holds(&l, 21, consumer_state("worker", "closed"));
    // "Order 1 failed once more."
    holds(&l, 24, delivered(&pill, g, 5));
    holds(&l, 24, processed(&pill, g, 0));
    // "it is in the dead-letter topic's log at offset 0."
    holds(&l, 26, entry("orders.dlq", 0, "record", None, Some(&pill)));
    holds(&l, 26, committed_in(g, "orders", Some(1)));
    // "Only now does worker commit 2, past order 1."
    holds(&l, 27, committed_in(g, "orders", Some(2)));
    // "Order 2 is charged and committed" / "Order 3 too … order 1 … waits in orders.dlq."
    holds(&l, 30, processed(&priced(2, "5"), g, 1));
    holds(&l, 30, committed_in(g, "orders", Some(3)));
    for i in [0, 2, 3] {
        holds(&l, 33, processed(&priced(i, "5"), g, 1));
    }
    holds(&l, 33, committed_in(g, "orders", Some(4)));
    holds(&l, 33, records("orders.dlq", 1));
}

#[test]
fn cooperative_static_lesson_claims_hold() {
    let l = lesson("cooperative-static");
    let g = "shipping";
    // "worker-a joined first and was given both partitions. Now worker-b has joined: the group starts a rebalance"
    holds(&l, 1, owns("worker-a", 0, true));
    holds(&l, 1, owns("worker-a", 1, true));
    says(&l, 2, "starts a rebalance because worker-b joined");
    // "generation 2: worker-a keeps orders-0 and must give up orders-1 … worker-b gets it only in a second round"
    says(&l, 3, "(generation 2)");
    says(&l, 3, "worker-a must give up orders-1");
    for steps in 3..=4 {
        holds(&l, steps, owns("worker-b", 1, false));
    }
    // "worker-a gave orders-1 up in its poll, and a second rebalance handed it to worker-b (generation 3). worker-a
    // never stopped owning orders-0."
    says(&l, 5, "worker-a gave up orders-1");
    says(&l, 5, "(generation 3)");
    holds(&l, 5, owns("worker-a", 1, false));
    holds(&l, 5, owns("worker-b", 1, true));
    for steps in 1..=5 {
        holds(&l, steps, owns("worker-a", 0, true));
    }
    // "Order 0 is in orders-0, order 1 in orders-1."
    says(
        &l,
        9,
        "appended {\"order_id\": 0, \"item\": \"widget\"} to orders-0",
    );
    says(
        &l,
        9,
        "appended {\"order_id\": 1, \"item\": \"widget\"} to orders-1",
    );
    // "Each worker shipped its order and committed: 1 for orders-0, 1 for orders-1."
    holds(&l, 15, processed(&order(0), g, 1));
    holds(&l, 15, processed(&order(1), g, 1));
    holds(&l, 15, committed_in_partition(g, 0, Some(1)));
    holds(&l, 15, committed_in_partition(g, 1, Some(1)));
    // "Orders 2 and 3 wait in orders-1."
    says(
        &l,
        18,
        "appended {\"order_id\": 2, \"item\": \"widget\"} to orders-1",
    );
    says(
        &l,
        18,
        "appended {\"order_id\": 3, \"item\": \"widget\"} to orders-1",
    );
    // "worker-c has joined: the group starts a rebalance"
    says(&l, 19, "starts a rebalance because worker-c joined");
    // "worker-b rejoined and kept reading orders-1: poll() returned orders 2 and 3 during the rebalance."
    says(
        &l,
        20,
        "worker-b rejoined group shipping in this poll, keeping its partitions",
    );
    holds(&l, 20, delivered(&order(2), g, 1));
    holds(&l, 20, delivered(&order(3), g, 1));
    holds(&l, 20, owns("worker-b", 1, true));
    // "worker-b shipped orders 2 and 3 and now commits." / "commitSync() threw RebalanceInProgressException"
    holds(&l, 22, processed(&order(2), g, 1));
    holds(&l, 22, processed(&order(3), g, 1));
    fails_with(&l, 23, "RebalanceInProgress");
    holds(&l, 23, committed_in_partition(g, 1, Some(1)));
    // "worker-a's poll ended the rebalance (generation 4): … worker-c gets nothing, and nothing moved."
    says(&l, 24, "(generation 4)");
    says(&l, 24, "worker-c gets nothing");
    holds(&l, 24, owns("worker-a", 0, true));
    holds(&l, 24, owns("worker-b", 1, true));
    // "worker-c waits with nothing to read"
    says(&l, 26, "worker-c has no partitions assigned");
    holds(&l, 26, owns("worker-c", 0, false));
    holds(&l, 26, owns("worker-c", 1, false));
    // "Orders 4 and 5 are shipped; worker-b's commit stored 4 for orders-1 and so also covered orders 2 and 3."
    holds(&l, 35, processed(&order(4), g, 1));
    holds(&l, 35, processed(&order(5), g, 1));
    holds(&l, 35, committed_in_partition(g, 1, Some(4)));
    // "As a static member its close() does not leave the group … until its session times out, 150 s from now"
    says(
        &l,
        36,
        "is a static member, so it does not leave group shipping",
    );
    says(&l, 36, "150000 ms");
    holds(&l, 36, consumer_state("worker-b", "closed"));
    // "A minute has passed. The group still counts worker-b as a member: nothing was rebalanced."
    holds(
        &l,
        37,
        Check::Clock {
            at_least_ms: 60_000,
        },
    );
    holds(&l, 37, owns("worker-a", 1, false));
    // "worker-a shipped order 6 without any interruption. Order 7 waits in orders-1 for worker-b."
    holds(&l, 43, processed(&order(6), g, 1));
    holds(&l, 43, delivered(&order(7), g, 0));
    holds(&l, 43, owns("worker-a", 1, false));
    // "worker-b's new instance took its old place without a rebalance: orders-1 again, from the committed offset 4,
    // and order 7. The group is still at generation 4."
    says(&l, 45, "takes its old place without a rebalance");
    says(&l, 45, "committed offset 4");
    holds(&l, 45, owns("worker-b", 1, true));
    holds(&l, 45, delivered(&order(7), g, 1));
    let whole = kafka_model::run_json(&l.scenario.to_string()).expect("the lesson's scenario runs");
    assert_eq!(whole.final_state.groups[0].generation, 4);
    // "Every order was shipped once."
    for i in 0..8 {
        holds(&l, 47, label(&order(i), "exactly-once", true));
    }
}
