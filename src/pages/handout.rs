//! A lesson on one page to print or keep: what the learner now knows, each question at the moment it is asked
//! (the stage as it stands there, the answer and why), and the goal to try in the lab.

use kafka_model::lesson::Lesson;
use yew::prelude::*;

use crate::catalog;
use crate::components::asides::{claim_box, recap};
use crate::components::stage;
use crate::pages::NotFound;
use crate::route::Route;
use crate::rules::prose;
use crate::stage_view::stage_at;

#[derive(Properties, PartialEq)]
pub struct HandoutProps {
    pub id: AttrValue,
}

#[function_component]
pub fn Handout(props: &HandoutProps) -> Html {
    let Some(lesson) = catalog::find(&props.id).and_then(|entry| entry.lesson) else {
        return html! {
            <NotFound path={format!("/lesson/{}/handout", props.id)}
                      problem={format!("There is no lesson called \"{}\".", props.id)} />
        };
    };
    let moments = match moments(&lesson) {
        Ok(moments) => moments,
        Err(problem) => {
            return html! { <p class="notice error" role="alert">{format!("This lesson cannot be printed: {problem}")}</p> }
        }
    };
    let print = Callback::from(|_: MouseEvent| {
        let _ = gloo::utils::window().print();
    });
    let back = Route::Lesson {
        id: lesson.id.clone(),
        step: 0,
    };
    html! {
        <article class="handout" aria-labelledby="lesson-title">
            <header>
                <p class="breadcrumb handout-actions">
                    <a href={back.to_hash()}>{"← Back to the lesson"}</a>{" "}
                    <button class="button" onclick={print}>{"Print this page"}</button>
                </p>
                <h1 id="lesson-title">{&lesson.title}</h1>
                <p class="lead">{&lesson.summary}</p>
                { for lesson.script.iter().filter_map(|entry| entry.claim.as_deref()).map(claim_box) }
            </header>
            {recap(&lesson, "h2")}
            { for moments }
            <section class="handout-goal" aria-labelledby="goal-title">
                <h2 id="goal-title">{"Your turn"}</h2>
                <p>{prose(lesson.design.as_ref().map_or(&lesson.goal.text, |design| &design.text))}</p>
                <p class="muted">{format!("Try it in the lab: {}", lesson.title)}</p>
            </section>
        </article>
    }
}

/// Each question of the lesson at its moment: the chapter, what the lesson says there, the stage, the
/// question, and its answer as the model decides it at the reveal.
fn moments(lesson: &Lesson) -> Result<Vec<Html>, String> {
    let mut timeline = lesson.timeline().map_err(|e| e.to_string())?;
    let mut moments = Vec::new();
    for entry in &lesson.script {
        let Some(question) = &entry.question else {
            continue;
        };
        timeline.jump(question.reveal_at);
        let answer = question
            .right_choices(timeline.state())
            .first()
            .and_then(|i| question.choices.get(*i))
            .map(|choice| choice.text.clone())
            .unwrap_or_default();
        timeline.jump(entry.at);
        let chapter = &lesson.chapters[lesson.chapter_at(entry.at)];
        moments.push(html! {
            <section class="handout-moment">
                <h2>{format!("{} · after step {}", chapter.title, entry.at)}</h2>
                <p>{prose(&entry.say)}</p>
                {stage(&stage_at(&timeline), None)}
                <p><strong>{"Question: "}</strong>{&question.prompt}</p>
                <p><strong>{"Answer: "}</strong>{answer}</p>
                <p>{prose(&question.why)}</p>
            </section>
        });
    }
    Ok(moments)
}
