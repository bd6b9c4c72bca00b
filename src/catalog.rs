//! The course's lessons in reading order. Until the lessons are written, each entry names the idea it will
//! teach and the rules of the semantics it covers.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonEntry {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub rules: &'static [&'static str],
    /// The scenario the lesson plays, in the contract's JSON, once the lesson has one.
    pub scenario: Option<&'static str>,
}

pub const LESSONS: &[LessonEntry] = &[
    LessonEntry {
        id: "offsets",
        title: "Offsets: position and committed offset",
        summary: "The log, where a consumer is reading, and what its group has saved — two different numbers.",
        rules: &["C1", "C2"],
        scenario: None,
    },
    LessonEntry {
        id: "auto-commit",
        title: "Auto-commit: replay, not loss",
        summary: "What really happens when an auto-committing consumer crashes, and what at-most-once looks like.",
        rules: &["S1", "C4"],
        scenario: Some(include_str!("../crates/model/tests/golden/b-auto-commit-crash-replays.json")),
    },
    LessonEntry {
        id: "manual-commit",
        title: "Manual commits and the lost order 5",
        summary: "A failed record, a later commit, and why order 5 is never retried.",
        rules: &["S2", "C3"],
        scenario: Some(include_str!("../crates/model/tests/golden/c-manual-commit-loses-order-5.json")),
    },
    LessonEntry {
        id: "java-poll-loop",
        title: "The Java poll loop",
        summary: "Committing after the first record of a batch commits the whole batch.",
        rules: &["C1"],
        scenario: None,
    },
    LessonEntry {
        id: "producer-retries",
        title: "Producer retries and idempotence",
        summary: "A lost acknowledgement, a duplicate, and how producer ids and sequence numbers stop it.",
        rules: &["P1", "P2", "P3", "P4", "P5", "P6", "S4"],
        scenario: None,
    },
    LessonEntry {
        id: "transactions",
        title: "Transactions: read, process, write",
        summary: "The exactly-once loop done wrong, then right: markers, the LSO and read_committed.",
        rules: &["T1", "T3", "T4", "T5", "T6", "T7", "T8", "C7", "C8", "S3"],
        scenario: None,
    },
    LessonEntry {
        id: "zombie-fencing",
        title: "Zombie fencing",
        summary: "Two instances with one transactional.id: the epoch bump and ProducerFenced.",
        rules: &["T1", "T2"],
        scenario: None,
    },
    LessonEntry {
        id: "transaction-timeout",
        title: "Transaction timeout",
        summary: "A transaction left open too long is aborted by the coordinator.",
        rules: &["T9"],
        scenario: None,
    },
    LessonEntry {
        id: "durability",
        title: "Durability: acks, replicas and the ISR",
        summary: "acks 0, 1 and all, min.insync.replicas, and a leader crash that loses data.",
        rules: &["D1", "D2", "D3", "D4"],
        scenario: None,
    },
    LessonEntry {
        id: "compare",
        title: "Compare the three guarantees",
        summary: "One crash schedule under at-most-once, at-least-once and exactly-once, side by side.",
        rules: &["L2"],
        scenario: None,
    },
    LessonEntry {
        id: "experiments",
        title: "Experiments",
        summary: "Thousands of seeded random crash schedules, and what each guarantee really delivers.",
        rules: &["L1", "L2"],
        scenario: None,
    },
];

pub fn find(id: &str) -> Option<&'static LessonEntry> {
    LESSONS.iter().find(|lesson| lesson.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn lesson_ids_are_unique_and_url_safe() {
        let ids: BTreeSet<&str> = LESSONS.iter().map(|lesson| lesson.id).collect();
        assert_eq!(ids.len(), LESSONS.len());
        for id in ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
    }

    #[test]
    fn find_knows_every_lesson_and_nothing_else() {
        assert_eq!(find("offsets").map(|lesson| lesson.id), Some("offsets"));
        assert_eq!(find("nope"), None);
    }
}
