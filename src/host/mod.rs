//! The course page that embeds the lab: `?embed=1` shows just the lesson, and `&origin=<the page's origin>`
//! has the lab post its progress events to that page and take its commands (see `docs/embedding.md`).

pub mod commands;
pub mod events;

use events::HostEvent;

/// How the address opened the lab.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Embedding {
    pub embedded: bool,
    /// Where events go; `None` unless the address names a usable origin.
    pub host: Option<HostLink>,
    /// Why the address's `origin` cannot be used.
    pub problem: Option<String>,
}

/// The host page: the origin its messages must come from and events are posted to (`*`: any), and the
/// course's address without its hash, which the events' statements name activities by.
#[derive(Clone, Debug, PartialEq)]
pub struct HostLink {
    pub origin: String,
    pub base: String,
}

impl Embedding {
    /// Reads `embed` and `origin` from the query before the hash or inside it (`#/lesson/x/step/0?embed=1`).
    pub fn from_address(search: &str, hash: &str, base: &str) -> Self {
        let hash_query = hash.split_once('?').map_or("", |(_, query)| query);
        let pairs: Vec<(&str, &str)> = [search.trim_start_matches('?'), hash_query]
            .iter()
            .flat_map(|query| query.split('&'))
            .filter_map(|pair| pair.split_once('='))
            .collect();
        let embedded = pairs.contains(&("embed", "1"));
        let origin = pairs
            .iter()
            .find(|(name, _)| *name == "origin")
            .map(|(_, value)| percent_decoded(value));
        let (host, problem) = match origin.map(|origin| host_origin(&origin)) {
            _ if !embedded => (None, None),
            None => (None, None),
            Some(Ok(origin)) => (
                Some(HostLink {
                    origin,
                    base: base.to_string(),
                }),
                None,
            ),
            Some(Err(problem)) => (None, Some(problem)),
        };
        Self {
            embedded,
            host,
            problem,
        }
    }

    pub fn current() -> Self {
        let location = gloo::utils::window().location();
        let base = format!(
            "{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default()
        );
        // Where the browser tells (not Firefox), the page around the lab: posting to another origin would
        // only fill the console with the browser's refusals.
        let around = js_sys::Reflect::get(&location, &"ancestorOrigins".into())
            .ok()
            .filter(|origins| origins.is_object())
            .and_then(|origins| js_sys::Reflect::get(&origins, &0.into()).ok())
            .and_then(|origin| origin.as_string());
        Self::from_address(
            &location.search().unwrap_or_default(),
            &location.hash().unwrap_or_default(),
            &base,
        )
        .framed_by(around.as_deref())
    }

    /// Leaves out a host that is not the page around the lab, saying so.
    fn framed_by(self, around: Option<&str>) -> Self {
        match (&self.host, around) {
            (Some(host), Some(around)) if !host.hears(around) => Self {
                problem: Some(format!(
                    "This lesson is shown in a page at {around}, but its address names {} as that page's \
                     origin: it will not report progress to the page around it.",
                    host.origin
                )),
                host: None,
                ..self
            },
            _ => self,
        }
    }
}

impl HostLink {
    /// Whether a message from `origin` is the host's.
    pub fn hears(&self, origin: &str) -> bool {
        self.origin == "*" || self.origin == origin
    }

    /// Posts `event` to the page around the lab, as an object; nothing when the lab is not in a frame.
    pub fn post(&self, event: &HostEvent) {
        let window = gloo::utils::window();
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        if js_sys::Object::is(&parent, &window) {
            return;
        }
        if let Ok(message) = js_sys::JSON::parse(&event.to_message_json()) {
            // A page at another origin by now (the host navigated away) is not told: the browser drops it.
            let _ = parent.post_message(&message, &self.origin);
        }
    }
}

/// `value` as an origin events may be posted to: `*`, or a scheme, host and port alone.
fn host_origin(value: &str) -> Result<String, String> {
    let problem = || {
        format!(
            "The address gives \"{value}\" as the host page's origin, which is not one like \
             https://course.example: this lesson will not report progress to the page around it."
        )
    };
    if value == "*" {
        return Ok(value.to_string());
    }
    let (scheme, rest) = value.split_once("://").ok_or_else(problem)?;
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if !matches!(scheme, "http" | "https") || authority.is_empty() || !authority.chars().all(plain)
    {
        return Err(problem());
    }
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Undoes a query value's %XX escapes; a malformed escape is kept as written.
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| value.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://lab.example/";

    #[test]
    fn the_host_is_named_by_origin_in_the_query_before_or_inside_the_hash() {
        let before = Embedding::from_address(
            "?embed=1&origin=https%3A%2F%2FCourse.example%3A8443",
            "#/lesson/offsets/step/0",
            BASE,
        );
        assert!(before.embedded);
        assert_eq!(
            before.host,
            Some(HostLink {
                origin: "https://course.example:8443".into(),
                base: BASE.into()
            })
        );
        let inside = Embedding::from_address(
            "",
            "#/lesson/x/step/0?embed=1&origin=http://127.0.0.1:3000/",
            BASE,
        );
        assert_eq!(inside.host.unwrap().origin, "http://127.0.0.1:3000");
        assert_eq!(
            Embedding::from_address("?embed=1&origin=*", "", BASE)
                .host
                .unwrap()
                .origin,
            "*"
        );
    }

    #[test]
    fn without_embedding_or_an_origin_nothing_is_posted() {
        let alone = Embedding::from_address("?origin=https://course.example", "", BASE);
        assert_eq!(alone, Embedding::default());
        let quiet = Embedding::from_address("?embed=1", "", BASE);
        assert!(quiet.embedded && quiet.host.is_none() && quiet.problem.is_none());
    }

    #[test]
    fn an_origin_that_is_not_one_is_named_in_the_problem() {
        for bad in [
            "course.example",
            "javascript://x",
            "https://course.example/lesson",
            "https://",
            "https://a b",
        ] {
            let embedding = Embedding::from_address(&format!("?embed=1&origin={bad}"), "", BASE);
            assert_eq!(embedding.host, None, "{bad}");
            let problem = embedding.problem.unwrap();
            assert!(problem.contains(&format!("\"{bad}\"")), "{problem}");
        }
    }

    #[test]
    fn a_page_around_the_lab_at_another_origin_gets_nothing_and_is_named() {
        let named = Embedding::from_address("?embed=1&origin=https://course.example", "", BASE);
        assert_eq!(
            named.clone().framed_by(Some("https://course.example")),
            named
        );
        assert_eq!(named.clone().framed_by(None), named);
        let elsewhere = named.framed_by(Some("https://other.example"));
        assert_eq!(elsewhere.host, None);
        assert!(elsewhere
            .problem
            .unwrap()
            .contains("at https://other.example, but its address names https://course.example"));
        let any = Embedding::from_address("?embed=1&origin=*", "", BASE);
        assert_eq!(any.clone().framed_by(Some("https://other.example")), any);
    }

    #[test]
    fn messages_are_heard_only_from_the_host() {
        let link = HostLink {
            origin: "https://course.example".into(),
            base: BASE.into(),
        };
        assert!(link.hears("https://course.example"));
        assert!(!link.hears("https://evil.example"));
        assert!(HostLink {
            origin: "*".into(),
            ..link
        }
        .hears("https://evil.example"));
    }
}
