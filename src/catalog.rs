//! The course map: every planned lesson in reading order. Written lessons come from the model crate's lesson
//! files; the others name the idea they will teach and the rules they will cover.

use std::rc::Rc;

use kafka_model::lesson::{lessons, Lesson};

/// One lesson of the course map.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseEntry {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub rules: Vec<String>,
    /// `None` while the lesson is being written, and for the pages that are not a scenario (compare,
    /// experiments).
    pub lesson: Option<Rc<Lesson>>,
    /// False while the lesson is being written.
    pub ready: bool,
}

thread_local! {
    static COURSE: Rc<Vec<CourseEntry>> = Rc::new(build());
}

/// The course map, built once.
pub fn course() -> Rc<Vec<CourseEntry>> {
    COURSE.with(Rc::clone)
}

pub fn find(id: &str) -> Option<CourseEntry> {
    course().iter().find(|entry| entry.id == id).cloned()
}

fn build() -> Vec<CourseEntry> {
    // A broken lesson file is a bug the model's tests catch; here it falls back to its planned entry.
    let written: Vec<Lesson> = lessons().into_iter().filter_map(Result::ok).collect();
    PLANNED
        .iter()
        .map(
            |planned| match written.iter().find(|lesson| lesson.id == planned.id) {
                Some(lesson) => CourseEntry {
                    id: lesson.id.clone(),
                    title: lesson.title.clone(),
                    summary: lesson.summary.clone(),
                    rules: lesson.rules.clone(),
                    lesson: Some(Rc::new(lesson.clone())),
                    ready: true,
                },
                None => CourseEntry {
                    id: planned.id.to_string(),
                    title: planned.title.to_string(),
                    summary: planned.summary.to_string(),
                    rules: planned.rules.iter().map(|rule| rule.to_string()).collect(),
                    lesson: None,
                    ready: PAGES.contains(&planned.id),
                },
            },
        )
        .collect()
}

/// Course entries that are pages of their own rather than a scenario to step through.
const PAGES: &[&str] = &["compare", "experiments"];

struct PlannedLesson {
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    rules: &'static [&'static str],
}

const PLANNED: &[PlannedLesson] = &[
    PlannedLesson {
        id: "offsets",
        title: "Offsets: position and committed offset",
        summary: "The log, where a consumer is reading, and what its group has saved — two different numbers.",
        rules: &["C1", "C2"],
    },
    PlannedLesson {
        id: "auto-commit",
        title: "Auto-commit: replay, not loss",
        summary: "What really happens when an auto-committing consumer crashes, and what at-most-once looks like.",
        rules: &["S1", "C4"],
    },
    PlannedLesson {
        id: "manual-commit",
        title: "Manual commits and the lost order 5",
        summary: "A failed record, a later commit, and why order 5 is never retried.",
        rules: &["S2", "C3"],
    },
    PlannedLesson {
        id: "java-poll-loop",
        title: "The Java poll loop",
        summary: "Committing after the first record of a batch commits the whole batch.",
        rules: &["C1"],
    },
    PlannedLesson {
        id: "producer-retries",
        title: "Producer retries and idempotence",
        summary: "A lost acknowledgement, a duplicate, and how producer ids and sequence numbers stop it.",
        rules: &["P1", "P2", "P3", "P4", "P5", "P6", "S4"],
    },
    PlannedLesson {
        id: "transactions",
        title: "Transactions: read, process, write",
        summary: "The exactly-once loop done wrong, then right: markers, the LSO and read_committed.",
        rules: &["T1", "T3", "T4", "T5", "T6", "T7", "T8", "C7", "C8", "S3"],
    },
    PlannedLesson {
        id: "zombie-fencing",
        title: "Zombie fencing",
        summary: "Two instances with one transactional.id: the epoch bump and ProducerFenced.",
        rules: &["T1", "T2"],
    },
    PlannedLesson {
        id: "transaction-timeout",
        title: "Transaction timeout",
        summary: "A transaction left open too long is aborted by the coordinator.",
        rules: &["T9"],
    },
    PlannedLesson {
        id: "transaction-version-2",
        title: "Transactions, version 2",
        summary: "With transaction.version 2 every commit and abort raises the epoch.",
        rules: &["T11"],
    },
    PlannedLesson {
        id: "durability",
        title: "Durability: acks, replicas and the ISR",
        summary: "acks 0, 1 and all, min.insync.replicas, and a leader crash that loses data.",
        rules: &["D1", "D2", "D3", "D4"],
    },
    PlannedLesson {
        id: "compare",
        title: "Compare the three guarantees",
        summary: "One crash schedule under at-most-once, at-least-once and exactly-once, side by side.",
        rules: &["L2"],
    },
    PlannedLesson {
        id: "experiments",
        title: "Experiments",
        summary: "Thousands of seeded random crash schedules, and what each guarantee really delivers.",
        rules: &["L1", "L2"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn lesson_ids_are_unique_and_url_safe() {
        let course = course();
        let ids: BTreeSet<&str> = course.iter().map(|lesson| lesson.id.as_str()).collect();
        assert_eq!(ids.len(), course.len());
        for id in ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
    }

    #[test]
    fn find_knows_every_lesson_and_nothing_else() {
        assert_eq!(
            find("offsets").map(|lesson| lesson.id),
            Some("offsets".to_string())
        );
        assert_eq!(find("nope"), None);
    }

    #[test]
    fn every_written_lesson_is_on_the_course_map() {
        for lesson in lessons() {
            let lesson = lesson.expect("lesson files are valid");
            let entry = find(&lesson.id).expect("a written lesson has a place on the map");
            assert!(entry.lesson.is_some());
            assert_eq!(entry.title, lesson.title);
        }
    }
}
