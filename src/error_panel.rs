//! The panel that replaces the page when the app panics, so a learner never faces a blank page.

use wasm_bindgen::JsValue;

/// Installs a panic hook that shows what went wrong and offers a way back to the course home.
/// Through Yew, which otherwise replaces any hook set earlier with its own console-only one.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "Kafka Delivery Lab: {message}"
        )));
        // Nothing more can be done if even the document is gone.
        let _ = show(&message);
    }));
}

fn show(message: &str) -> Result<(), JsValue> {
    let document = gloo::utils::document();
    let body = document.body().ok_or("no body")?;
    let panel = document.create_element("section")?;
    panel.set_class_name("error-panel");
    panel.set_attribute("role", "alert")?;

    let heading = document.create_element("h1")?;
    heading.set_text_content(Some("Something went wrong"));
    let explanation = document.create_element("p")?;
    explanation.set_text_content(Some(
        "The course hit an error it could not recover from. Your saved progress is kept. \
         Reload the page or go back to the course home; if it happens again, please report the details below.",
    ));
    let details = document.create_element("pre")?;
    details.set_text_content(Some(message));
    let home = document.create_element("a")?;
    home.set_attribute("href", "#/")?;
    home.set_attribute(
        "onclick",
        "location.hash = '#/'; location.reload(); return false;",
    )?;
    home.set_text_content(Some("Back to the course home"));

    for child in [&heading, &explanation, &details, &home] {
        panel.append_child(child)?;
    }
    body.set_inner_html("");
    body.append_child(&panel)?;
    Ok(())
}
