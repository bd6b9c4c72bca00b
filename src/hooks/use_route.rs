use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::route::{self, current, Route};

/// The route in the address bar and how many times it was navigated to, kept current as the hash changes
/// (links, back and forward, a pasted address). The count tells a page that the learner went to a step again
/// even when the address is the same as the one it first opened with. The callback navigates from within the
/// app, counted the same way.
#[hook]
pub fn use_route() -> (Route, u32, Callback<Route>) {
    let route = use_state(|| (current(), 0));
    // Counted here, not from the state a listener captured, which stays the first render's.
    let visits = use_memo((), |_| Rc::new(Cell::new(0u32)));
    {
        let (route, visits) = (route.clone(), (*visits).clone());
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                visits.set(visits.get() + 1);
                route.set((current(), visits.get()));
            });
            move || drop(listener)
        });
    }
    let go = {
        let (route, visits) = (route.clone(), (*visits).clone());
        Callback::from(move |to: Route| {
            route::show(&to);
            visits.set(visits.get() + 1);
            route.set((to, visits.get()));
        })
    };
    let (now, visit) = (*route).clone();
    (now, visit, go)
}
