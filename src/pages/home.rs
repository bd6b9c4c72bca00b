use yew::prelude::*;

use crate::catalog::LESSONS;
use crate::components::LessonCard;

#[function_component]
pub fn Home() -> Html {
    html! {
        <section class="home" aria-labelledby="home-title">
            <h1 id="home-title">{"Delivery guarantees, one crash at a time"}</h1>
            <p class="lead">
                {"Step through a Kafka cluster event by event — receive, process, commit, crash — and watch \
                  offsets, producer ids and transactions change. Each lesson breaks a guarantee on purpose, \
                  so you see what at-most-once, at-least-once and exactly-once really mean."}
            </p>
            <h2>{"Lessons"}</h2>
            <ol class="lesson-list">
                { for LESSONS.iter().enumerate().map(|(index, lesson)| html! {
                    <LessonCard number={index + 1} lesson={lesson} />
                }) }
            </ol>
        </section>
    }
}
