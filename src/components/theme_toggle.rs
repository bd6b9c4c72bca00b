//! Light, dark, or whatever the system prefers; remembered when storage is available.

use yew::prelude::*;

use crate::storage;

const KEY: &str = "kafka-delivery-lab.theme";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn stored() -> Theme {
        match storage::get(KEY).as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

#[function_component]
pub fn ThemeToggle() -> Html {
    let theme = use_state(Theme::stored);
    use_effect_with(*theme, |theme| {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = match theme {
                Theme::System => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.name()),
            };
        }
        // Without storage (private mode, blocked cookies) the choice lasts until the page closes.
        let _ = storage::set(KEY, theme.name());
    });
    let onclick = {
        let theme = theme.clone();
        Callback::from(move |_| theme.set(theme.next()))
    };
    html! {
        <button class="theme-toggle" {onclick}
                aria-label={format!("Colour theme: {}. Change theme", theme.name())}>
            {format!("Theme: {}", theme.name())}
        </button>
    }
}
