use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::host::commands::{order, Order};
use crate::host::events::HostEvent;
use crate::host::HostLink;
use crate::progress::{Progress, ProgressAction, ProgressContext};
use crate::route::Route;

/// The lab's side of its host page: `ready` once, the learner's progress whenever it changes, and the host's
/// commands carried out (an `error` event for one that cannot be). Returns how many times the host asked
/// to start a lesson again, so the lesson can begin afresh each time.
#[hook]
pub fn use_host(
    host: Option<HostLink>,
    route: &Route,
    progress: ProgressContext,
    go: Callback<Route>,
) -> u32 {
    let resets = use_state(|| 0u32);
    let posted = use_mut_ref(|| None::<Progress>);
    {
        let (host, posted, progress) = (host.clone(), posted.clone(), progress.clone());
        let (lesson, step) = match route {
            Route::Lesson { id, step } => (Some(id.clone()), Some(*step as usize)),
            Route::Chapter { id, .. } => (Some(id.clone()), None),
            _ => (None, None),
        };
        use_effect_with(progress.progress.clone(), move |now| {
            let Some(host) = host else { return };
            let event = match posted.replace(Some(now.clone())) {
                None => HostEvent::Ready {
                    lesson,
                    step,
                    progress: now.clone(),
                },
                Some(before) if before != *now => HostEvent::Progress {
                    progress: now.clone(),
                },
                Some(_) => return,
            };
            host.post(&event);
        });
    }
    {
        let resets = resets.clone();
        use_effect_with((), move |_| {
            let listener = host.map(|host| {
                let count = Rc::new(Cell::new(0u32));
                EventListener::new(&gloo::utils::window(), "message", move |event| {
                    let event: &web_sys::MessageEvent = event.unchecked_ref();
                    if !host.hears(&event.origin()) || !from_parent(event) {
                        return;
                    }
                    let shown = match Route::from_hash(
                        &gloo::utils::window().location().hash().unwrap_or_default(),
                    ) {
                        Route::Lesson { id, .. } | Route::Chapter { id, .. } => Some(id),
                        _ => None,
                    };
                    match command_text(&event.data())
                        .and_then(|text| order(&text, shown.as_deref()))
                    {
                        Ok(Order::GoTo { lesson, step }) => go.emit(Route::Lesson {
                            id: lesson,
                            step: step as u32,
                        }),
                        Ok(Order::Reset { lesson }) => {
                            count.set(count.get() + 1);
                            resets.set(count.get());
                            go.emit(Route::Lesson {
                                id: lesson,
                                step: 0,
                            });
                        }
                        Ok(Order::Load(loaded)) => {
                            progress.dispatch(ProgressAction::Import(loaded))
                        }
                        Err(message) => host.post(&HostEvent::Error { message }),
                    }
                })
            });
            move || drop(listener)
        });
    }
    *resets
}

/// Only the page that frames the lab commands it, not another frame of the same origin.
fn from_parent(event: &web_sys::MessageEvent) -> bool {
    let parent = gloo::utils::window().parent().ok().flatten();
    match (event.source(), parent) {
        (Some(source), Some(parent)) => js_sys::Object::is(&source, parent.as_ref()),
        _ => false,
    }
}

/// A command as JSON text: hosts post objects, or strings of JSON.
fn command_text(data: &wasm_bindgen::JsValue) -> Result<String, String> {
    if let Some(text) = data.as_string() {
        return Ok(text);
    }
    js_sys::JSON::stringify(data)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "the command is not a JSON object".to_string())
}
