use std::rc::Rc;

use kafka_model::{parse_scenario, Timeline};
use yew::prelude::*;

use crate::catalog;
use crate::components::Player;
use crate::pages::NotFound;
use crate::route::{self, Route};

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub id: AttrValue,
    pub step: u32,
}

#[function_component]
pub fn Lesson(props: &LessonProps) -> Html {
    let id = props.id.clone();
    let timeline = use_memo(id.clone(), |id| {
        catalog::find(id)
            .and_then(|lesson| lesson.scenario)
            .map(|json| {
                parse_scenario(json).map(|scenario| Rc::new(Timeline::from_scenario(&scenario)))
            })
    });
    let Some(lesson) = catalog::find(&props.id) else {
        return html! {
            <NotFound path={format!("/lesson/{}", props.id)}
                      problem={format!("There is no lesson called \"{}\".", props.id)} />
        };
    };
    let on_cursor = Callback::from(move |step: usize| {
        route::replace(&Route::Lesson {
            id: id.to_string(),
            step: step as u32,
        });
    });
    let body = match &*timeline {
        Some(Ok(timeline)) => html! {
            <Player timeline={timeline.clone()} start_at={props.step as usize} {on_cursor} />
        },
        Some(Err(error)) => html! {
            <p class="notice error" role="alert">{format!("This lesson's scenario is invalid: {error}")}</p>
        },
        None => html! {
            <>
                <p class="step-indicator">{format!("Step {}", props.step)}</p>
                <p class="notice">{"This lesson is being written. Its steps will appear here."}</p>
            </>
        },
    };
    html! {
        <article class="lesson" aria-labelledby="lesson-title">
            <p class="breadcrumb"><a href={Route::Home.to_hash()}>{"Course"}</a>{" / "}{lesson.title}</p>
            <h1 id="lesson-title">{lesson.title}</h1>
            <p class="lead">{lesson.summary}</p>
            {body}
        </article>
    }
}
