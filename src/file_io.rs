//! Files the learner saves (progress, scenarios) and opens again.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::{Blob, ObjectUrl};
use wasm_bindgen::JsCast;
use yew::{Event, TargetCast};

/// Where a read in progress is kept: the reader must live until it calls back.
pub type ReadSlot = Rc<RefCell<Option<FileReader>>>;

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

/// Reads the file chosen in a file input's `change` event as text, then calls `done` with its name and
/// the text, or why it could not be read. The input is cleared, so choosing the same file again works.
pub fn read_chosen_file(
    event: Event,
    slot: &ReadSlot,
    done: impl FnOnce(String, Result<String, String>) + 'static,
) {
    let input: web_sys::HtmlInputElement = event.target_unchecked_into();
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    let name = file.name();
    let finished = slot.clone();
    let task = gloo::file::callbacks::read_as_text(&file.into(), move |text| {
        done(
            name,
            text.map_err(|e| format!("the file could not be read: {e}")),
        );
        // Dropping the reader from inside its own callback is fine: the read is over.
        finished.borrow_mut().take();
    });
    *slot.borrow_mut() = Some(task);
}
