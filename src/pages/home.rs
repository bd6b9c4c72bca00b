use kafka_model::versions;
use yew::prelude::*;

use crate::catalog::course;
use crate::components::{LessonCard, ProgressPanel};
use crate::progress::ProgressContext;

#[function_component]
pub fn Home() -> Html {
    let progress = use_context::<ProgressContext>();
    let lesson_progress = |id: &str| {
        progress
            .as_ref()
            .map(|p| p.progress.lesson(id))
            .unwrap_or_default()
    };
    html! {
        <section class="home" aria-labelledby="home-title">
            <h1 id="home-title">{"Delivery guarantees, one crash at a time"}</h1>
            <p class="lead">
                {"Step through a Kafka cluster event by event — receive, process, commit, crash — and watch \
                  offsets, producer ids and transactions change. Each lesson breaks a guarantee on purpose, \
                  so you see what at-most-once, at-least-once and exactly-once really mean."}
            </p>
            <p class="versions">
                {format!(
                    "The code is kafka-python {} and the Java client, kafka-clients {}; every step does what \
                     those clients do against Apache Kafka {}.",
                    versions::KAFKA_PYTHON, versions::KAFKA_CLIENTS, versions::KAFKA
                )}
            </p>
            <h2>{"Lessons"}</h2>
            <ol class="lesson-list">
                { for course().iter().enumerate().map(|(index, lesson)| html! {
                    <LessonCard number={index + 1} lesson={lesson.clone()} progress={lesson_progress(&lesson.id)} />
                }) }
            </ol>
            <ProgressPanel />
        </section>
    }
}
