use yew::prelude::*;

use crate::catalog::LessonEntry;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct LessonCardProps {
    pub number: usize,
    pub lesson: &'static LessonEntry,
}

#[function_component]
pub fn LessonCard(props: &LessonCardProps) -> Html {
    let lesson = props.lesson;
    let href = Route::Lesson {
        id: lesson.id.to_string(),
        step: 0,
    }
    .to_hash();
    html! {
        <li class="lesson-card">
            <a href={href}>
                <span class="lesson-number" aria-hidden="true">{props.number}</span>
                <span class="lesson-text">
                    <span class="lesson-title">{lesson.title}</span>
                    <span class="lesson-summary">{lesson.summary}</span>
                    <span class="lesson-rules">
                        <span class="visually-hidden">{"Rules covered: "}</span>
                        { for lesson.rules.iter().map(|rule| html! { <span class="rule-chip">{*rule}</span> }) }
                    </span>
                </span>
            </a>
        </li>
    }
}
