//! Design goals: the lesson's solution survives a crash before every call; a plausible wrong design is
//! caught, naming the message and the condition.

use kafka_model::design::FailedRun;
use kafka_model::lesson::{lessons, Lesson};

fn lesson(id: &str) -> Lesson {
    lessons()
        .into_iter()
        .map(|l| l.expect("every lesson parses"))
        .find(|l| l.id == id)
        .expect("the lesson exists")
}

/// Every combination of choices, in order.
fn combinations(sizes: &[usize]) -> Vec<Vec<usize>> {
    sizes.iter().fold(vec![vec![]], |all, size| {
        all.into_iter()
            .flat_map(|prefix| {
                (0..*size).map(move |i| {
                    let mut next = prefix.clone();
                    next.push(i);
                    next
                })
            })
            .collect()
    })
}

#[test]
fn every_design_goals_solution_survives_a_crash_before_every_call_and_some_design_fails() {
    let designed: Vec<Lesson> = lessons()
        .into_iter()
        .map(|l| l.expect("every lesson parses"))
        .filter(|l| l.design.is_some())
        .collect();
    assert_eq!(
        designed.len(),
        lessons().len(),
        "every lesson has a design goal"
    );
    for lesson in designed {
        let design = lesson.design.as_ref().unwrap();
        let trial = design
            .trial(&lesson, &design.solution)
            .expect("the solution runs");
        assert_eq!(
            trial.failed.as_ref().map(|f| &f.problem),
            None,
            "{}: its solution",
            lesson.id
        );
        if !design.replays() && design.crashes {
            assert!(trial.runs > 5, "{}: only {} runs", lesson.id, trial.runs);
        }
        let sizes: Vec<usize> = design.slots.iter().map(|s| s.choices.len()).collect();
        let failing = combinations(&sizes)
            .into_iter()
            .filter(|choices| {
                let trial = design.trial(&lesson, choices).expect("every design runs");
                if let Some(failed) = &trial.failed {
                    assert!(
                        ["#", "epoch", "failed: "]
                            .iter()
                            .any(|named| failed.problem.contains(named)),
                        "{}: {:?} fails without naming a message: {}",
                        lesson.id,
                        choices,
                        failed.problem
                    );
                }
                trial.failed.is_some()
            })
            .count();
        assert!(failing > 0, "{}: no design fails", lesson.id);
    }
}

/// What trying the lesson's design with these choices found: the run that failed, if one did.
fn tried(id: &str, choices: &[usize]) -> Option<FailedRun> {
    let lesson = lesson(id);
    let design = lesson.design.as_ref().unwrap();
    design.trial(&lesson, choices).unwrap().failed
}

fn fails(id: &str, choices: &[usize]) -> FailedRun {
    tried(id, choices).unwrap_or_else(|| panic!("{id}: {choices:?} should miss the goal"))
}

#[test]
fn committing_before_saving_loses_the_order_a_crash_interrupts() {
    let failed = fails("offsets", &[1, 0]);
    assert!(failed.problem.contains("lost"), "{}", failed.problem);
    let (call, _) = failed.crash_before.expect("it takes a crash");
    assert!(call > 1);
}

#[test]
fn the_loop_as_written_loses_order_5_without_any_crash() {
    let failed = fails("manual-commit", &[0, 0]);
    assert_eq!(failed.crash_before, None);
    assert_eq!(
        failed.problem,
        "#5 is labelled lost; the goal asks for no message labelled lost or not-processed"
    );
    // Stopping on the failure, and restarting, is a fix as good as seeking back.
    assert!(tried("manual-commit", &[0, 2]).is_none());
}

#[test]
fn auto_commit_is_not_at_most_once_but_committing_first_is() {
    let failed = fails("auto-commit", &[0, 0, 0]);
    assert!(
        failed.problem.contains("processed-twice"),
        "{}",
        failed.problem
    );
    assert!(failed.crash_before.is_some());
}

#[test]
fn commit_sync_after_each_record_of_a_batch_loses_the_rest_of_the_batch() {
    let failed = fails("java-poll-loop", &[0, 0]);
    assert!(failed.problem.contains("lost"), "{}", failed.problem);
    // Each record's own offset + 1 is safe too.
    assert!(tried("java-poll-loop", &[1, 0]).is_none());
}

#[test]
fn settings_that_miss_the_goal_are_named_with_the_message_that_fails() {
    let problem = |id: &str| fails(id, &[0]).problem;
    assert_eq!(
        problem("producer-retries"),
        "the log holds 2 committed copies of #1; the goal asks for 1 committed copy"
    );
    assert_eq!(
        problem("durability"),
        "#3 is labelled lost; the goal asks for no message labelled lost"
    );
    assert_eq!(
        problem("zombie-fencing"),
        "the log holds 2 committed copies of #1; the goal asks for 1 committed copy"
    );
    assert_eq!(
        problem("transaction-timeout"),
        "the entry at offset 0 of processed-orders-0 is record #1, aborted; the goal asks for a committed record \
         (processor's commit_transaction failed: ProducerFenced)"
    );
    assert_eq!(
        problem("transaction-version-2"),
        "processor is ready with epoch 0; the goal asks for epoch 2"
    );
    assert_eq!(
        problem("transactions"),
        "#7 was handed to shipping once; the goal asks for 0 times"
    );
    // A configuration the client refuses is named with the call it made fail.
    assert!(fails("producer-retries", &[4])
        .problem
        .ends_with("(plain's send failed: ConfigException)"));
    // acks=1 turns kafka-python's default idempotence off without a word; asking for it explicitly is right.
    assert!(tried("producer-retries", &[3]).is_none());
    assert_eq!(
        fails("producer-retries", &[2]).problem,
        "the log holds 2 committed copies of #1; the goal asks for 1 committed copy"
    );
}

#[test]
fn g6_a_poison_pill_stops_a_loop_that_retries_it_and_a_dead_letter_topic_ends_that() {
    // Seeking back and restarting both return to the record for ever; the trial says where the loop is stuck.
    for retry in [1, 2] {
        let problem = fails("poison-pill", &[retry]).problem;
        assert!(
            problem.starts_with("the loop had not finished after")
                && problem.ends_with(
                    "going back to #1; the goal asks for a loop that gets through its input"
                ),
            "{problem}"
        );
    }
    // Carrying on gets through, and keeps nothing of the order.
    assert_eq!(
        fails("poison-pill", &[0]).problem,
        "the entry at offset 0 of orders.dlq-0 is missing; the goal asks for a record #1"
    );
    assert!(tried("poison-pill", &[3]).is_none());
    // The same loop with a failure that goes away after one try: seeking back is then enough.
    let mut lesson = lesson("poison-pill");
    let design = lesson.design.as_mut().unwrap();
    design.failures[0].times = Some(1);
    design.checks.pop();
    let design = lesson.design.clone().unwrap();
    assert!(design.trial(&lesson, &[1]).unwrap().failed.is_none());
}
