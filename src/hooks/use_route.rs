use gloo::events::EventListener;
use yew::prelude::*;

use crate::route::{current, Route};

/// The route in the address bar and how many times it was navigated to, kept current as the hash changes
/// (links, back and forward, a pasted address). The count tells a page that the learner went to a step again
/// even when the address is the same as the one it first opened with.
#[hook]
pub fn use_route() -> (Route, u32) {
    let route = use_state(|| (current(), 0));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            // Counted in the listener, not from the state it captured, which stays the first render's.
            let mut visits = 0;
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                visits += 1;
                route.set((current(), visits));
            });
            move || drop(listener)
        });
    }
    (*route).clone()
}
