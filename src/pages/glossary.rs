use yew::prelude::*;

use crate::glossary::TERMS;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct GlossaryProps {
    /// The term the address points at, shown highlighted and scrolled into view.
    pub term: Option<String>,
}

#[function_component]
pub fn Glossary(props: &GlossaryProps) -> Html {
    use_effect_with(props.term.clone(), |term| {
        if let Some(element) = term
            .as_ref()
            .and_then(|id| gloo::utils::document().get_element_by_id(&format!("term-{id}")))
        {
            element.scroll_into_view();
        }
    });
    html! {
        <section class="glossary" aria-labelledby="glossary-title">
            <h1 id="glossary-title">{"Glossary"}</h1>
            <p class="lead">{"The words the lessons use. Each has its own address to link to."}</p>
            <dl class="terms">
                { for TERMS.iter().map(|t| {
                    let here = props.term.as_deref() == Some(t.id);
                    html! {
                        <div id={format!("term-{}", t.id)} class={classes!("term", here.then_some("current"))}>
                            <dt>
                                <a href={Route::Glossary { term: Some(t.id.to_string()) }.to_hash()}>{t.term}</a>
                            </dt>
                            <dd>
                                {t.meaning}
                                if !t.rules.is_empty() {
                                    {" "}<span class="lesson-rules">
                                        { for t.rules.iter().map(|r| html! { <span class="rule-chip">{*r}</span> }) }
                                    </span>
                                }
                            </dd>
                        </div>
                    }
                }) }
            </dl>
        </section>
    }
}
