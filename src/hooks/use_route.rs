use gloo::events::EventListener;
use yew::prelude::*;

use crate::route::Route;

fn current() -> Route {
    Route::from_hash(&gloo::utils::window().location().hash().unwrap_or_default())
}

/// The route in the address bar, kept current as the hash changes (links, back and forward buttons).
#[hook]
pub fn use_route() -> Route {
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                route.set(current());
            });
            move || drop(listener)
        });
    }
    (*route).clone()
}
