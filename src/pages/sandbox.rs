use yew::prelude::*;

#[function_component]
pub fn Sandbox() -> Html {
    html! {
        <section class="sandbox" aria-labelledby="sandbox-title">
            <h1 id="sandbox-title">{"Sandbox"}</h1>
            <p class="lead">
                {"Set up topics, brokers, producers and consumers, then step freely and break things on purpose."}
            </p>
            <p class="notice">{"The sandbox is being built."}</p>
        </section>
    }
}
