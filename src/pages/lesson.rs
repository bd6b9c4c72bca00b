use std::rc::Rc;

use yew::prelude::*;

use crate::catalog;
use crate::components::Player;
use crate::host::events::HostEvent;
use crate::host::HostLink;
use crate::pages::{Compare, Experiments, NotFound};
use crate::route::{self, Route};

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub id: AttrValue,
    pub step: u32,
    /// Counts navigations, so going to the same step again moves the player there.
    pub visit: u32,
    /// A chapter's address (from 1): the lesson opens where that chapter starts, not at `step`.
    #[prop_or_default]
    pub chapter: Option<u32>,
    /// Counts the host page's requests to start again: each opens a fresh player.
    #[prop_or_default]
    pub reset: u32,
    /// The compare page's crash schedule.
    #[prop_or_default]
    pub seed: u64,
}

#[function_component]
pub fn Lesson(props: &LessonProps) -> Html {
    let entry = use_memo(props.id.clone(), |id| catalog::find(id));
    let timeline = use_memo(props.id.clone(), |id| {
        catalog::find(id)
            .and_then(|entry| entry.lesson)
            .map(|lesson| lesson.timeline().map(Rc::new))
    });
    let host = use_context::<Option<HostLink>>().flatten();
    let Some(entry) = (*entry).clone() else {
        return html! {
            <NotFound path={format!("/lesson/{}", props.id)}
                      problem={format!("There is no lesson called \"{}\".", props.id)} />
        };
    };
    let on_cursor = {
        let (id, lesson) = (props.id.clone(), entry.lesson.clone());
        Callback::from(move |step: usize| {
            route::replace(&Route::Lesson {
                id: id.to_string(),
                step: step as u32,
            });
            if let Some((host, lesson)) = host.as_ref().zip(lesson.as_ref()) {
                host.post(&HostEvent::Step {
                    lesson: lesson.id.clone(),
                    step,
                    chapter: lesson.chapter_at(step) + 1,
                });
            }
        })
    };
    let start_at = match (props.chapter, &entry.lesson) {
        (None, _) => Ok(props.step as usize),
        (Some(chapter), Some(lesson))
            if (1..=lesson.chapters.len()).contains(&(chapter as usize)) =>
        {
            Ok(lesson.chapter_start(chapter as usize - 1))
        }
        (Some(chapter), lesson) => Err(format!(
            "\"{}\" has {} chapters: there is no chapter {chapter}.",
            entry.title,
            lesson.as_ref().map_or(0, |lesson| lesson.chapters.len())
        )),
    };
    let start_at = match start_at {
        Ok(step) => step,
        Err(problem) => {
            return html! { <NotFound path={format!("/lesson/{}/chapter/{}", props.id, props.chapter.unwrap_or(0))} {problem} /> }
        }
    };
    let body = match (&*timeline, &entry.lesson) {
        _ if entry.id == "compare" => html! { <Compare seed={props.seed} /> },
        _ if entry.id == "experiments" => html! { <Experiments /> },
        (Some(Ok(timeline)), Some(lesson)) => html! {
            // Keyed by lesson and reset: another lesson, or the same one begun again, is a new player.
            <Player key={format!("{}/{}", entry.id, props.reset)} timeline={timeline.clone()} {start_at} visit={props.visit} {on_cursor}
                    lesson={Some(lesson.clone())} />
        },
        (Some(Err(error)), _) => html! {
            <p class="notice error" role="alert">{format!("This lesson cannot be played: {error}")}</p>
        },
        _ => html! {
            <>
                <p class="step-indicator">{format!("Step {}", props.step)}</p>
                <p class="notice">{"This lesson is being written. Its steps will appear here."}</p>
            </>
        },
    };
    html! {
        <article class="lesson" aria-labelledby="lesson-title">
            <header class="lab-head">
                <p class="breadcrumb"><a href={Route::Home.to_hash()}>{"Course"}</a>{" /"}</p>
                <h1 id="lesson-title">{&entry.title}</h1>
                <p class="lead">{&entry.summary}</p>
            </header>
            {body}
        </article>
    }
}
