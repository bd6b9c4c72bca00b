use yew::prelude::*;

use crate::components::ThemeToggle;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct SiteHeaderProps {
    pub route: Route,
}

#[function_component]
pub fn SiteHeader(props: &SiteHeaderProps) -> Html {
    let current = |is_here: bool| is_here.then_some("page");
    html! {
        <header class="site-header">
            <a class="brand" href={Route::Home.to_hash()}>
                <img class="brand-mark" src="icon.svg" alt="" />
                {"Kafka Delivery Lab"}
            </a>
            <nav aria-label="Main">
                <a href={Route::Home.to_hash()}
                   aria-current={current(matches!(props.route, Route::Home | Route::Lesson { .. }))}>
                    {"Course"}
                </a>
                <a href={Route::Sandbox { run: None, step: 0 }.to_hash()}
                   aria-current={current(matches!(props.route, Route::Sandbox { .. }))}>
                    {"Sandbox"}
                </a>
                <a href={Route::Glossary { term: None }.to_hash()}
                   aria-current={current(matches!(props.route, Route::Glossary { .. }))}>
                    {"Glossary"}
                </a>
                <ThemeToggle />
            </nav>
        </header>
    }
}
