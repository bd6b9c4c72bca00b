//! The keys the lab answers to, in an overlay opened by "?" (or the timeline's "?" button) and closed by
//! Escape, its button or a click beside it.

use yew::prelude::*;

const KEYS: &[(&str, &str)] = &[
    ("→", "Step forward"),
    ("←", "Step back"),
    ("Space", "Play or pause"),
    ("Home", "Go to the start"),
    ("End", "Go to the last step"),
    ("← → Home End", "On the panel tabs: move between the panels"),
    ("?", "Show these keys"),
    ("Escape", "Close this list"),
];

#[derive(Properties, PartialEq)]
pub struct KeyHelpProps {
    pub on_close: Callback<()>,
}

#[function_component]
pub fn KeyHelp(props: &KeyHelpProps) -> Html {
    let close_button = use_node_ref();
    {
        // Focus moves into the overlay, so Enter or Escape closes it at once.
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="key-help-backdrop" onclick={close.clone()}>
            <section class="key-help" role="dialog" aria-modal="true" aria-labelledby="key-help-title"
                     onclick={Callback::from(|event: MouseEvent| event.stop_propagation())}>
                <h2 id="key-help-title">{"Keys"}</h2>
                <dl>
                    { for KEYS.iter().map(|(keys, what)| html! {
                        <>
                            <dt><kbd>{*keys}</kbd></dt>
                            <dd>{*what}</dd>
                        </>
                    }) }
                </dl>
                <button class="button" ref={close_button} onclick={close}>{"Close (Escape)"}</button>
            </section>
        </div>
    }
}
