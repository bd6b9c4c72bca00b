//! The lesson's client code with the line that the current step runs highlighted.

use std::collections::BTreeMap;

use kafka_model::config::Flavor;
use kafka_model::versions;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CodePanelProps {
    /// Lines of code by flavor (`kafka-python` first, then `java`).
    pub code: BTreeMap<String, Vec<String>>,
    /// 1-based line of the step just taken, in the first listing.
    pub current: Option<usize>,
}

#[function_component]
pub fn CodePanel(props: &CodePanelProps) -> Html {
    let flavors: Vec<&String> = {
        let mut flavors: Vec<&String> = props.code.keys().collect();
        flavors.sort_by_key(|flavor| *flavor != "kafka-python");
        flavors
    };
    let shown = use_state(|| flavors.first().map(|f| f.to_string()).unwrap_or_default());
    let Some(lines) = props
        .code
        .get(&*shown)
        .or_else(|| props.code.values().next())
    else {
        return html! {};
    };
    // The lesson's line numbers belong to its first listing (kafka-python when it has one).
    let primary = flavors.first().map(|f| f.as_str()) == Some(shown.as_str());
    let current = if primary { props.current } else { None };
    let tabs = (flavors.len() > 1).then(|| {
        html! {
            <div class="code-tabs" role="group" aria-label="Client">
                { for flavors.iter().map(|flavor| {
                    let shown = shown.clone();
                    let name = flavor.to_string();
                    let pressed = *shown == name;
                    html! {
                        <button aria-pressed={pressed.to_string()} onclick={Callback::from(move |_| shown.set(name.clone()))}>
                            {flavor.as_str()}
                        </button>
                    }
                }) }
            </div>
        }
    });
    let version = Flavor::from_name(&shown).map(|flavor| {
        html! { <p class="code-version">{versions::shown(flavor)}</p> }
    });
    html! {
        <section class="code-panel" aria-label="The code this lesson runs">
            {for tabs}
            {for version}
            <pre tabindex="0" aria-label="Code"><code>
                { for lines.iter().enumerate().map(|(i, line)| {
                    let here = current == Some(i + 1);
                    html! {
                        <span class={classes!("code-line", here.then_some("current"))}
                              aria-current={here.then_some("step")}>
                            <span class="line-number" aria-hidden="true">{i + 1}</span>
                            {line}{"\n"}
                        </span>
                    }
                }) }
            </code></pre>
        </section>
    }
}
