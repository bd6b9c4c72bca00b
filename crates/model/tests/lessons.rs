//! Every lesson is checked against the model: its questions have exactly one right answer, which is what the
//! model then does; its goal is not met by the lesson as written and is met by its solution; and the claims
//! its narration makes hold at the moment it makes them.

use kafka_model::lesson::{lessons, Check, Lesson};
use kafka_model::Timeline;

const RULE_IDS: &[&str] = &[
    "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "P1", "P2", "P3", "P4", "P5", "P6", "T1", "T2",
    "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "D1", "D2", "D3", "D4", "L1", "L2",
    "S1", "S2", "S3", "S4",
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
        let longest = lesson.code.values().map(Vec::len).max().unwrap_or(0);
        for (key, line) in &lesson.lines {
            assert!(
                (1..=longest).contains(line),
                "{}: {key} points at line {line}",
                lesson.id
            );
        }
        for flavor in lesson.code.keys() {
            assert!(
                ["kafka-python", "java"].contains(&flavor.as_str()),
                "{}: {flavor}",
                lesson.id
            );
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
fn the_lessons_subcommand_lists_id_title_rules_goal() {
    let listing = kafka_model::lesson::listing().unwrap();
    let first = &listing.as_array().unwrap()[0];
    let mut keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["goal", "id", "rules", "title"]);
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
            label: "lost".into(),
            present: true,
        },
    );
    // "Its committed offset, 10, is all that the group remembers."
    holds(
        &l,
        41,
        Check::ConsumerState {
            consumer: "worker".into(),
            state: "crashed".into(),
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
            label: "lost".into(),
            present: true,
        },
    );
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
            state: "crashed".into(),
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
                label: "processed-twice".into(),
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
                label: "lost".into(),
                present: false,
            },
        );
    }
}
