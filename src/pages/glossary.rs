use yew::prelude::*;

use crate::glossary::TERMS;
use crate::route::Route;
use crate::rules::{self, RULES};

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
                                        { for t.rules.iter().filter_map(|r| rules::find(r)).map(rules::rule_chip) }
                                    </span>
                                }
                            </dd>
                        </div>
                    }
                }) }
            </dl>
            <h2 id="rules-title">{"The rules"}</h2>
            <p>{"Each rule the lessons show, in a sentence. A lesson names a rule by a chip like these."}</p>
            <dl class="terms" aria-labelledby="rules-title">
                { for RULES.iter().map(|rule| {
                    let term = rule.term();
                    let here = props.term.as_deref() == Some(term.as_str());
                    html! {
                        <div id={format!("term-{term}")} class={classes!("term", here.then_some("current"))}>
                            <dt>
                                <a href={Route::Glossary { term: Some(term.clone()) }.to_hash()}>
                                    {format!("{} · {}", rule.id, rule.title)}
                                </a>
                            </dt>
                            <dd>{rule.sentence}</dd>
                        </div>
                    }
                }) }
            </dl>
        </section>
    }
}
