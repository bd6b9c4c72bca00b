//! The course's entries that are pages of their own rather than a scenario to step through: Compare and
//! Experiments. The model keeps them next to the lessons so that `kafka-model lessons` and the app's course
//! map list the same course from one source.

/// A course page: what the course map and the `lessons` listing say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoursePage {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// Rule ids of `kafka-semantics.md` the page teaches.
    pub rules: &'static [&'static str],
    /// What the learner does there; nothing is graded.
    pub goal: &'static str,
}

/// The pages, in course order; they come after the lessons.
pub const PAGES: &[CoursePage] = &[
    CoursePage {
        id: "compare",
        title: "Compare the three guarantees",
        summary: "One crash schedule under at-most-once, at-least-once and exactly-once, side by side.",
        rules: &["L2"],
        goal: "Not graded: run one crash schedule under at-most-once, at-least-once and exactly-once, and read the three ledgers side by side: lost, processed twice, exactly once.",
    },
    CoursePage {
        id: "experiments",
        title: "Experiments",
        summary: "Thousands of seeded random crash schedules, and what each guarantee really delivers.",
        rules: &["L1", "L2"],
        goal: "Not graded: run many seeded random crash schedules for each guarantee and compare how many messages were lost, processed twice or duplicated in the log.",
    },
];
