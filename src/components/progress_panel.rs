//! Export the learner's progress to a file and import it back (on another browser, after clearing data).
//! An import is merged in; a file that is not valid is refused with what is wrong and changes nothing.

use yew::prelude::*;

use crate::file_io::{download, read_chosen_file, ReadSlot};
use crate::progress::{self, ProgressAction, ProgressContext};

#[function_component]
pub fn ProgressPanel() -> Html {
    let Some(progress) = use_context::<ProgressContext>() else {
        return html! {};
    };
    let message = use_state(|| None::<(bool, String)>);
    let reader: ReadSlot = use_mut_ref(|| None);

    let on_export = {
        let json = progress.progress.to_json();
        Callback::from(move |_: MouseEvent| download("kafka-delivery-lab-progress.json", &json))
    };
    let on_import = {
        let (progress, message, reader) = (progress.clone(), message.clone(), reader.clone());
        Callback::from(move |event: Event| {
            let (progress, message) = (progress.clone(), message.clone());
            read_chosen_file(event, &reader, move |name, text| {
                let checked = text.and_then(|text| progress::import(&text));
                match checked {
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
            });
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
