//! What the lesson grades, and whether the learner's timeline meets it (the model checks it at the end).

use yew::prelude::*;

use crate::rules::prose;

#[derive(Properties, PartialEq)]
pub struct GoalBannerProps {
    pub text: AttrValue,
    pub reached: bool,
}

#[function_component]
pub fn GoalBanner(props: &GoalBannerProps) -> Html {
    html! {
        <section class={classes!("goal", props.reached.then_some("reached"))} aria-label="Goal">
            <p><strong>{"Goal. "}</strong>{prose(&props.text)}</p>
            <p class="goal-status" role="status">
                { if props.reached { "✔ Goal reached: the model confirms it at the end of your timeline." }
                  else { "Not reached yet: the model checks the end of your timeline." } }
            </p>
        </section>
    }
}
