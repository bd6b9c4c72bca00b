//! The panels beside the stage (under it on a phone): the code, the actions, the ledger, the database, the
//! event log, the real cluster. One is open at a time, chosen by a tab; the others stay mounted but hidden, so
//! a panel keeps its own state (a real-cluster connection, a scroll position) while another is open.

use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Panel {
    /// Stable name, remembered between visits.
    pub id: &'static str,
    pub label: &'static str,
    pub content: Html,
}

/// The tabs and the panels, `open` shown. A plain function, not a component: it keeps no state of its own.
pub fn lab_panels(panels: &[Panel], open: &'static str, on_open: &Callback<&'static str>) -> Html {
    let ids: Vec<&'static str> = panels.iter().map(|p| p.id).collect();
    // Arrow keys move along the tabs and open the one they reach, as a tab list does.
    let on_keydown = {
        let on_open = on_open.clone();
        Callback::from(move |event: KeyboardEvent| {
            let here = ids.iter().position(|id| *id == open).unwrap_or(0);
            let next = match event.key().as_str() {
                "ArrowRight" | "ArrowDown" => (here + 1) % ids.len(),
                "ArrowLeft" | "ArrowUp" => (here + ids.len() - 1) % ids.len(),
                "Home" => 0,
                "End" => ids.len() - 1,
                _ => return,
            };
            event.prevent_default();
            event.stop_propagation();
            on_open.emit(ids[next]);
            if let Some(tab) = gloo::utils::document().get_element_by_id(&tab_id(ids[next])) {
                if let Ok(tab) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(tab) {
                    let _ = tab.focus();
                }
            }
        })
    };
    let tabs = panels.iter().map(|panel| {
        let selected = panel.id == open;
        let id = panel.id;
        let onclick = on_open.reform(move |_: MouseEvent| id);
        html! {
            <button role="tab" id={tab_id(id)} aria-selected={selected.to_string()}
                    aria-controls={panel_id(id)} tabindex={if selected { "0" } else { "-1" }} {onclick}>
                {panel.label}
            </button>
        }
    });
    let bodies = panels.iter().map(|panel| {
        html! {
            <div role="tabpanel" id={panel_id(panel.id)} aria-labelledby={tab_id(panel.id)} tabindex="0"
                 class={classes!("lab-panel", format!("panel-{}", panel.id))}
                 hidden={panel.id != open}>
                {panel.content.clone()}
            </div>
        }
    });
    html! {
        <div class="lab-panels">
            <div class="lab-tabs" role="tablist" aria-label="Panels" onkeydown={on_keydown}>{ for tabs }</div>
            { for bodies }
        </div>
    }
}

fn tab_id(panel: &str) -> String {
    format!("tab-{panel}")
}

fn panel_id(panel: &str) -> String {
    format!("panel-{panel}")
}
