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
    let href = Route::Lesson {
        id: lesson.id.clone(),
        step: 0,
    }
    .to_hash();
    html! {
        <li class="lesson-card">
            <a href={href}>
                <span class="lesson-number" aria-hidden="true">{props.number}</span>
                <span class="lesson-text">
                    <span class="lesson-title">{&lesson.title}</span>
                    <span class="lesson-summary">{&lesson.summary}</span>
                    if props.progress.goal_reached {
                        <span class="lesson-progress done">{"✔ goal reached"}</span>
                    } else if props.progress.furthest_step > 0 {
                        <span class="lesson-progress">{format!("started: reached step {}", props.progress.furthest_step)}</span>
                    }
                    <span class="lesson-rules">
                        <span class="visually-hidden">{"Rules covered: "}</span>
                        { for lesson.rules.iter().filter_map(|rule| rules::find(rule)).map(rules::rule_tag) }
                    </span>
                </span>
            </a>
        </li>
    }
}
