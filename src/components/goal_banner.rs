//! What the lesson grades, and whether the learner's timeline meets it (the model checks it at the end), with
//! hints on asking, one at a time, and the solution after the last.

use yew::prelude::*;

use crate::components::Hints;
use crate::rules::prose;

#[derive(Properties, PartialEq)]
pub struct GoalBannerProps {
    pub text: AttrValue,
    /// What keeps the goal from being met, or `None` once it is.
    pub failure: Option<String>,
    #[prop_or_default]
    pub hints: Vec<String>,
    /// The solution, drawn only when asked for.
    pub solution: Callback<(), Html>,
}

#[function_component]
pub fn GoalBanner(props: &GoalBannerProps) -> Html {
    let reached = props.failure.is_none();
    let help = (!reached)
        .then(|| html! { <Hints hints={props.hints.clone()} solution={props.solution.clone()} /> });
    html! {
        <section class={classes!("goal", reached.then_some("reached"))} aria-label="Goal">
            <p><strong>{"Goal. "}</strong>{prose(&props.text)}</p>
            <p class="goal-status" role="status">
                { match &props.failure {
                    None => "✔ Goal reached: the model confirms it at the end of your timeline.".to_string(),
                    Some(why) => format!("Not reached yet: at the end of your timeline, {why}."),
                } }
            </p>
            {for help}
        </section>
    }
}
