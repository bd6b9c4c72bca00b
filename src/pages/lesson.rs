use yew::prelude::*;

use crate::catalog;
use crate::pages::NotFound;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub id: AttrValue,
    pub step: u32,
}

#[function_component]
pub fn Lesson(props: &LessonProps) -> Html {
    let Some(lesson) = catalog::find(&props.id) else {
        return html! {
            <NotFound path={format!("/lesson/{}", props.id)}
                      problem={format!("There is no lesson called \"{}\".", props.id)} />
        };
    };
    let link = |step: u32| {
        Route::Lesson {
            id: lesson.id.to_string(),
            step,
        }
        .to_hash()
    };
    html! {
        <article class="lesson" aria-labelledby="lesson-title">
            <p class="breadcrumb"><a href={Route::Home.to_hash()}>{"Course"}</a>{" / "}{lesson.title}</p>
            <h1 id="lesson-title">{lesson.title}</h1>
            <p class="lead">{lesson.summary}</p>
            <p class="step-indicator" aria-live="polite">{format!("Step {}", props.step)}</p>
            <p class="notice">{"This lesson is being written. Its steps will appear here."}</p>
            <nav class="step-nav" aria-label="Steps">
                if props.step > 0 {
                    <a class="button" href={link(props.step - 1)}>{"← Previous step"}</a>
                }
                <a class="button" href={link(props.step + 1)}>{"Next step →"}</a>
            </nav>
        </article>
    }
}
