//! The course map: every lesson and page in reading order, as the model crate lists them (its lesson files,
//! then the Compare and Experiments pages), so the map and `kafka-model lessons` cannot disagree.

use std::rc::Rc;

use kafka_model::course_page::PAGES;
use kafka_model::lesson::{lessons, Lesson};

use crate::route::Route;

/// One entry of the course map.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseEntry {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub rules: Vec<String>,
    /// `None` for the pages that are not a scenario (compare, experiments).
    pub lesson: Option<Rc<Lesson>>,
}

impl CourseEntry {
    /// Where the entry opens: a lesson at its start, the Compare page with crash schedule 0.
    pub fn route(&self) -> Route {
        match self.id.as_str() {
            "compare" => Route::Compare { seed: 0 },
            id => Route::Lesson {
                id: id.to_string(),
                step: 0,
            },
        }
    }
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
    // A broken lesson file is a bug the model's tests catch; here it is left out of the map.
    let written = lessons().into_iter().filter_map(Result::ok);
    let lessons = written.map(|lesson| CourseEntry {
        id: lesson.id.clone(),
        title: lesson.title.clone(),
        summary: lesson.summary.clone(),
        rules: lesson.rules.clone(),
        lesson: Some(Rc::new(lesson)),
    });
    let pages = PAGES.iter().map(|page| CourseEntry {
        id: page.id.to_string(),
        title: page.title.to_string(),
        summary: page.summary.to_string(),
        rules: page.rules.iter().map(|rule| rule.to_string()).collect(),
        lesson: None,
    });
    lessons.chain(pages).collect()
}

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
    fn the_map_lists_what_the_lessons_subcommand_lists_in_its_order() {
        let listing = kafka_model::lesson::listing().expect("lesson files are valid");
        let listed: Vec<&str> = listing
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["id"].as_str().unwrap())
            .collect();
        let course = course();
        let mapped: Vec<&str> = course.iter().map(|entry| entry.id.as_str()).collect();
        assert_eq!(mapped, listed);
        assert_eq!(mapped[mapped.len() - 2..], ["compare", "experiments"]);
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
