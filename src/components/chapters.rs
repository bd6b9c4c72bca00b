//! Where the learner is among a lesson's chapters, and the way on at a chapter's end: the next chapter one
//! step away, and at the lesson's end the next lesson of the course.

use kafka_model::lesson::Lesson;
use yew::prelude::*;

use crate::catalog::course;
use crate::components::asides::recap;
use crate::route::Route;

/// "Chapter 2 of 7 · Order 5 fails", for the chapter that `cursor` is in.
pub fn chapter_line(lesson: &Lesson, cursor: usize) -> Html {
    let index = lesson.chapter_at(cursor);
    let Some(chapter) = lesson.chapters.get(index) else {
        return Html::default();
    };
    html! {
        <p class="chapter-line">
            <span class="chapter-count">{format!("Chapter {} of {}", index + 1, lesson.chapters.len())}</span>
            {" · "}{&chapter.title}
        </p>
    }
}

/// At the end of a chapter on the lesson's script, the next chapter (`on_next` steps into it); at the end
/// of the lesson, the next page of the course. `None` elsewhere.
pub fn chapter_end(
    lesson: &Lesson,
    cursor: usize,
    on_script: bool,
    at_end: bool,
    on_next: Callback<MouseEvent>,
) -> Option<Html> {
    if at_end {
        let course = course();
        let next = course
            .iter()
            .skip_while(|entry| entry.id != lesson.id)
            .nth(1);
        let link = match next {
            Some(next) => {
                let href = next.route().to_hash();
                html! { <a class="button" {href}>{format!("Next lesson: {} →", next.title)}</a> }
            }
            None => {
                html! { <a class="button" href={Route::Home.to_hash()}>{"Back to the course"}</a> }
            }
        };
        let handout = Route::Handout {
            id: lesson.id.clone(),
        };
        return Some(html! {
            <nav class="chapter-end" aria-label="What next">
                {recap(lesson, "h3")}
                {link}{" "}
                <a class="button secondary" href={handout.to_hash()}>{"The lesson on one page, to print"}</a>
            </nav>
        });
    }
    let index = lesson.chapter_at(cursor);
    let ends_here = lesson.chapters.get(index).is_some_and(|c| c.end == cursor);
    let next = lesson
        .chapters
        .get(index + 1)
        .filter(|_| on_script && ends_here)?;
    Some(html! {
        <nav class="chapter-end" aria-label="What next">
            <button class="button" onclick={on_next}>{format!("Next chapter: {} →", next.title)}</button>
        </nav>
    })
}
