//! A lesson on the course map: its title and summary, how far the learner got, and its chapters, each
//! with its address and a mark once the learner has reached its end.

use yew::prelude::*;

use crate::catalog::CourseEntry;
use crate::progress::LessonProgress;
use crate::route::Route;
use crate::rules;

#[derive(Properties, PartialEq)]
pub struct LessonCardProps {
    pub number: usize,
    pub lesson: CourseEntry,
    pub progress: LessonProgress,
}

#[function_component]
pub fn LessonCard(props: &LessonCardProps) -> Html {
    let lesson = &props.lesson;
    let href = lesson.route().to_hash();
    let furthest = props.progress.furthest_step;
    let chapters = lesson
        .lesson
        .as_ref()
        .map(|l| &l.chapters[..])
        .unwrap_or_default();
    let done = chapters.iter().filter(|c| furthest >= c.end).count();
    let chapter_list = (!chapters.is_empty()).then(|| {
        let items = chapters.iter().enumerate().map(|(i, chapter)| {
            let href = Route::Chapter {
                id: lesson.id.clone(),
                chapter: i as u32 + 1,
            }
            .to_hash();
            let reached = furthest >= chapter.end;
            html! {
                <li class={classes!(reached.then_some("done"))}>
                    <a {href}>{&chapter.title}</a>
                    if reached {
                        <span class="chapter-done" aria-hidden="true">{" ✓"}</span>
                        <span class="visually-hidden">{" (done)"}</span>
                    }
                </li>
            }
        });
        html! {
            <details class="chapter-list">
                <summary>{format!("{} chapters · {done} done", chapters.len())}</summary>
                <ol>{for items}</ol>
            </details>
        }
    });
    html! {
        <li class="lesson-card">
            <span class="lesson-number" aria-hidden="true">{props.number}</span>
            <div class="lesson-text">
                <a class="lesson-title" {href}>{&lesson.title}</a>
                <span class="lesson-summary">{&lesson.summary}</span>
                if props.progress.goal_reached {
                    <span class="lesson-progress done">{"✔ goal reached"}</span>
                } else if furthest > 0 {
                    <span class="lesson-progress">{format!("started: reached step {furthest}")}</span>
                }
                {for chapter_list}
                <span class="lesson-rules">
                    <span class="visually-hidden">{"Rules covered: "}</span>
                    { for lesson.rules.iter().filter_map(|rule| rules::find(rule)).map(rules::rule_tag) }
                </span>
            </div>
        </li>
    }
}
