//! Drawing only the part of a long list that is in view: a step or a scrub that changes hundreds of log cells
//! or table rows then lays out tens of them, not hundreds.

use std::ops::Range;

use yew::prelude::*;

/// Items drawn beyond each edge of the visible part, and the scroll distance (in items) that redraws.
const MARGIN: usize = 12;

#[derive(Clone, Copy, PartialEq)]
pub enum Axis {
    Horizontal,
    Vertical,
}

pub struct ScrollWindow {
    /// The scrolling element.
    pub node: NodeRef,
    pub onscroll: Callback<Event>,
    /// The items to draw, by index.
    pub shown: Range<usize>,
}

impl ScrollWindow {
    /// The items to draw of a list of `len`.
    pub fn within(&self, len: usize) -> Range<usize> {
        self.shown.start.min(len)..self.shown.end.min(len)
    }
}

/// `item` is one item's size along the axis in CSS pixels; `extent` gives the visible part's size before the
/// first scroll (asked once: sizes read while rendering can force a layout).
#[hook]
pub fn use_scroll_window(axis: Axis, item: f64, extent: impl FnOnce() -> f64) -> ScrollWindow {
    let node = use_node_ref();
    // (first visible item, rounded down to a multiple of MARGIN; items that fit), updated on scroll.
    let view = use_state_eq(|| (0_usize, (extent() / item).ceil() as usize));
    let onscroll = {
        let (node, view) = (node.clone(), view.clone());
        Callback::from(move |_: Event| {
            if let Some(element) = node.cast::<web_sys::Element>() {
                let (offset, size) = match axis {
                    Axis::Horizontal => (element.scroll_left(), element.client_width()),
                    Axis::Vertical => (element.scroll_top(), element.client_height()),
                };
                let first = (f64::from(offset) / item) as usize;
                let fits = (f64::from(size) / item).ceil() as usize;
                view.set((first / MARGIN * MARGIN, fits));
            }
        })
    };
    let (first, fits) = *view;
    ScrollWindow {
        node,
        onscroll,
        shown: first.saturating_sub(MARGIN)..first + fits + 2 * MARGIN + 1,
    }
}

/// A table's body row height and its scroller's height, in `rem`: `.windowed` in style.css sets the same.
const ROW_REM: f64 = 2.25;
const TABLE_VIEW_REM: f64 = 24.0;
/// Tables up to this many rows (every lesson's) are drawn whole, without a scroll box of their own.
const WINDOWED_OVER: usize = 40;

/// Which of a long table's body rows to draw.
pub struct RowWindow {
    window: ScrollWindow,
    /// One row's height in pixels.
    row_height: f64,
}

#[hook]
pub fn use_row_window() -> RowWindow {
    // Measured in rem, so a reader who set a larger font gets rows measured right.
    let rem = *use_memo((), |_| rem_in_pixels());
    let window = use_scroll_window(Axis::Vertical, ROW_REM * rem, || TABLE_VIEW_REM * rem);
    RowWindow {
        window,
        row_height: ROW_REM * rem,
    }
}

impl RowWindow {
    /// The rows to draw of a table of `len`.
    pub fn rows(&self, len: usize) -> Range<usize> {
        if len > WINDOWED_OVER {
            self.window.within(len)
        } else {
            0..len
        }
    }

    /// The table's scroll box around `table`; a long table's scrolling moves the rows drawn.
    pub fn scroller(&self, label: &'static str, len: usize, table: Html) -> Html {
        html! {
            <div class={classes!("table-scroll", (len > WINDOWED_OVER).then_some("windowed"))} tabindex="0"
                 role="region" aria-label={label} ref={self.window.node.clone()}
                 onscroll={self.window.onscroll.clone()}>
                {table}
            </div>
        }
    }

    /// Empty rows standing for those not drawn above and below, so the scroll bar keeps its length.
    pub fn spacers(&self, len: usize) -> (Html, Html) {
        let rows = self.rows(len);
        (self.spacer(rows.start), self.spacer(len - rows.end))
    }

    fn spacer(&self, rows: usize) -> Html {
        if rows == 0 {
            return Html::default();
        }
        let height = rows as f64 * self.row_height;
        html! { <tr class="spacer" aria-hidden="true" style={format!("height: {height}px")}></tr> }
    }
}

fn rem_in_pixels() -> f64 {
    gloo::utils::document()
        .document_element()
        .and_then(|root| {
            gloo::utils::window()
                .get_computed_style(&root)
                .ok()
                .flatten()
        })
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|size| pixels(&size))
        .unwrap_or(16.0)
}

/// "17.5px" as 17.5, read by hand: `str::parse::<f64>` would bring in about 20 KB of wasm.
fn pixels(size: &str) -> Option<f64> {
    let number = size.strip_suffix("px")?;
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let mut value = f64::from(whole.parse::<u32>().ok()?);
    let mut unit = 1.0;
    for digit in fraction.chars().take(4) {
        unit /= 10.0;
        value += unit * f64::from(digit.to_digit(10)?);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::pixels;

    #[test]
    fn reads_css_pixel_sizes() {
        assert_eq!(pixels("16px"), Some(16.0));
        assert_eq!(pixels("17.5px"), Some(17.5));
        assert_eq!(pixels("2em"), None);
        assert_eq!(pixels("x.5px"), None);
    }
}
