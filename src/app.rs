use yew::prelude::*;

use crate::components::SiteHeader;
use crate::hooks::{use_host, use_route};
use crate::host::{Embedding, HostLink};
use crate::pages::{Glossary, Handout, Home, Lesson, NotFound, Sandbox};
use crate::progress::{self, ProgressAction, ProgressContext, ProgressState};
use crate::route::Route;

#[function_component]
pub fn App() -> Html {
    let (route, visit, go) = use_route();
    let embedding = use_memo((), |_| Embedding::current());
    let progress = use_reducer(ProgressState::new);
    let reset = use_host(embedding.host.clone(), &route, progress.clone(), go);
    {
        let title = page_title(&route);
        use_effect_with(title, |title| gloo::utils::document().set_title(title));
    }
    let page = match &route {
        Route::Home => html! { <Home /> },
        Route::Lesson { id, step } => {
            html! { <Lesson id={id.clone()} step={*step} {visit} {reset} /> }
        }
        Route::Chapter { id, chapter } => {
            html! { <Lesson id={id.clone()} step=0 chapter={*chapter} {visit} {reset} /> }
        }
        Route::Handout { id } => html! { <Handout id={id.clone()} /> },
        Route::Compare { seed } => html! { <Lesson id="compare" step=0 {visit} seed={*seed} /> },
        Route::Sandbox { run, step } => {
            html! { <Sandbox run={run.clone()} step={*step} {visit} /> }
        }
        Route::Glossary { term } => html! { <Glossary term={term.clone()} /> },
        Route::PanicCheck => html! { <PanicCheck /> },
        Route::TrapCheck => html! { <TrapCheck /> },
        Route::NotFound { path, problem } => {
            html! { <NotFound path={path.clone()} problem={problem.clone()} /> }
        }
    };
    {
        // Storage is an effect: the reducer stays pure.
        let handle = progress.clone();
        use_effect_with(progress.progress.clone(), move |saved| {
            handle.dispatch(ProgressAction::Saved(progress::save(saved)));
        });
    }
    html! {
        <ContextProvider<ProgressContext> context={progress}>
        <ContextProvider<Option<HostLink>> context={embedding.host.clone()}>
        <div class={classes!("app", embedding.embedded.then_some("embed"))}>
            <a class="skip-link" href="#main" onclick={Callback::from(skip_to_main)}>{"Skip to content"}</a>
            <SiteHeader route={route.clone()} />
            <main id="main" tabindex="-1">
                if let Some(problem) = &embedding.problem {
                    <p class="notice error" role="alert">{problem}</p>
                }
                {page}
            </main>
            <footer class="site-footer">
                <p>{"Kafka Delivery Lab — a model of Apache Kafka's delivery guarantees. Works offline once loaded."}</p>
            </footer>
        </div>
        </ContextProvider<Option<HostLink>>>
        </ContextProvider<ProgressContext>>
    }
}

fn page_title(route: &Route) -> String {
    let page = match route {
        Route::Home => None,
        Route::Compare { .. } => crate::catalog::find("compare").map(|page| page.title),
        Route::Lesson { id, .. } | Route::Chapter { id, .. } | Route::Handout { id } => Some(
            crate::catalog::find(id)
                .map(|lesson| lesson.title)
                .unwrap_or_else(|| "Lesson not found".to_string()),
        ),
        Route::Sandbox { .. } => Some("Sandbox".to_string()),
        Route::Glossary { .. } => Some("Glossary".to_string()),
        Route::PanicCheck | Route::TrapCheck => Some("Error check".to_string()),
        Route::NotFound { .. } => Some("Page not found".to_string()),
    };
    match page {
        Some(page) => format!("{page} · Kafka Delivery Lab"),
        None => "Kafka Delivery Lab".to_string(),
    }
}

/// The skip link must not change the hash: the hash is the route.
fn skip_to_main(event: MouseEvent) {
    event.prevent_default();
    if let Some(main) = gloo::utils::document().get_element_by_id("main") {
        if let Ok(main) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(main) {
            let _ = main.focus();
        }
    }
}

#[function_component]
fn PanicCheck() -> Html {
    panic!("the #/debug/panic page panics on purpose to check the error panel");
}

#[function_component]
fn TrapCheck() -> Html {
    // In WebAssembly, abort is the `unreachable` instruction: a trap, which no panic hook sees.
    std::process::abort();
}
