use yew::prelude::*;

use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct NotFoundProps {
    pub path: AttrValue,
    pub problem: AttrValue,
}

#[function_component]
pub fn NotFound(props: &NotFoundProps) -> Html {
    html! {
        <section class="not-found" aria-labelledby="not-found-title">
            <h1 id="not-found-title">{"Page not found"}</h1>
            <p>{props.problem.clone()}</p>
            <p>{"The address was "}<code>{props.path.clone()}</code>{"."}</p>
            <p><a class="button" href={Route::Home.to_hash()}>{"Go to the course home"}</a></p>
        </section>
    }
}
