//! Export the learner's progress to a file and import it back (on another browser, after clearing data).
//! An import is merged in; a file that is not valid is refused with what is wrong and changes nothing.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::{Blob, ObjectUrl};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::progress::{Progress, ProgressAction, ProgressContext};

#[function_component]
pub fn ProgressPanel() -> Html {
    let Some(progress) = use_context::<ProgressContext>() else {
        return html! {};
    };
    let message = use_state(|| None::<(bool, String)>);
    // The reader must live until it calls back.
    let reader = use_mut_ref(|| None::<FileReader>);

    let on_export = {
        let json = progress.progress.to_json();
        Callback::from(move |_: MouseEvent| download("kafka-delivery-lab-progress.json", &json))
    };
    let on_import = {
        let (progress, message, reader) = (progress.clone(), message.clone(), reader.clone());
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let (progress, message, slot) = (progress.clone(), message.clone(), reader.clone());
            let name = file.name();
            let task = gloo::file::callbacks::read_as_text(&file.into(), move |text| {
                let outcome = text
                    .map_err(|e| format!("the file could not be read: {e}"))
                    .and_then(|text| Progress::parse(&text));
                match outcome {
                    Ok(imported) => {
                        let lessons = imported.lessons.len();
                        progress.dispatch(ProgressAction::Import(imported));
                        message.set(Some((
                            true,
                            format!("Imported {name}: progress for {lessons} lesson(s) merged in."),
                        )));
                    }
                    Err(problem) => message.set(Some((
                        false,
                        format!("{name} was not imported, and nothing changed: {problem}."),
                    ))),
                }
                clear(&slot);
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    let reached = progress
        .progress
        .lessons
        .values()
        .filter(|l| l.goal_reached)
        .count();
    html! {
        <section class="progress-panel" aria-labelledby="progress-title">
            <h2 id="progress-title">{"Your progress"}</h2>
            <p>
                {format!("Goals reached: {reached}. ")}
                { if progress.saved { "Saved in this browser." }
                  else { "This browser does not let the course save anything, so export your progress to keep it." } }
            </p>
            <div class="progress-actions">
                <button class="button secondary" onclick={on_export}>{"Export progress to a file"}</button>
                <label class="button secondary file-button">
                    {"Import progress from a file"}
                    <input type="file" accept=".json,application/json" class="visually-hidden" onchange={on_import} />
                </label>
            </div>
            if let Some((ok, text)) = &*message {
                <p class={classes!("notice", (!ok).then_some("error"))} role={if *ok { "status" } else { "alert" }}>{text}</p>
            }
        </section>
    }
}

fn clear(slot: &Rc<RefCell<Option<FileReader>>>) {
    // Dropping the reader from inside its own callback is fine: the read is over.
    slot.borrow_mut().take();
}

/// Offers `json` as a file to save.
pub fn download(file_name: &str, json: &str) {
    let url = ObjectUrl::from(Blob::new_with_options(json, Some("application/json")));
    let document = gloo::utils::document();
    if let Ok(link) = document.create_element("a") {
        if let Ok(link) = link.dyn_into::<web_sys::HtmlAnchorElement>() {
            link.set_href(&url);
            link.set_download(file_name);
            link.click();
        }
    }
}
