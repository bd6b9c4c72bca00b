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
                <svg class="brand-mark" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
                    <rect width="64" height="64" rx="14" fill="#0b6e69" />
                    <g fill="#ffffff">
                        <rect x="10" y="24" width="10" height="16" rx="2" />
                        <rect x="23" y="24" width="10" height="16" rx="2" />
                        <rect x="36" y="24" width="10" height="16" rx="2" opacity="0.45" />
                    </g>
                    <path d="M50 20v24" stroke="#fdba74" stroke-width="4" stroke-linecap="round" />
                </svg>
                <span class="brand-name">{"Kafka Delivery Lab"}</span>
            </a>
            <nav aria-label="Main">
                <a href={Route::Home.to_hash()}
                   aria-current={current(matches!(props.route, Route::Home | Route::Lesson { .. } | Route::Chapter { .. } | Route::Handout { .. } | Route::Compare { .. }))}>
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
