//! Kafka Delivery Lab: the course's single-page app.

pub mod action_label;
pub mod app;
pub mod catalog;
pub mod components;
pub mod drawable;
pub mod error_panel;
pub mod file_io;
pub mod glossary;
pub mod highlights;
pub mod hooks;
pub mod host;
pub mod live;
pub mod pages;
pub mod playback;
pub mod progress;
pub mod route;
pub mod rules;
pub mod share_code;
pub mod share_link;
pub mod stage_view;
pub mod storage;

/// Mounts the app into `#app`, replacing the loading message.
pub fn start() {
    let root = gloo::utils::document()
        .get_element_by_id("app")
        .expect("index.html has an #app element");
    root.set_inner_html("");
    yew::Renderer::<app::App>::with_root(root).render();
}
