//! Hash routes, so a deep link works on any static host and under any sub-path.

use std::fmt;

/// Where the learner is. `step` counts the steps already taken: step 0 is the start of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Lesson {
        id: String,
        step: u32,
    },
    /// A lesson's chapter, counted from 1: it opens where the chapter starts.
    Chapter {
        id: String,
        chapter: u32,
    },
    /// A lesson on one printable page: what the learner now knows, each question with the stage where it is
    /// asked and its answer, and the goal.
    Handout {
        id: String,
    },
    /// `run`: a shared run (see `share_code`); `step`: steps applied when it opens.
    Sandbox {
        run: Option<String>,
        step: u32,
    },
    /// The compare page with the crash schedule of `seed`.
    Compare {
        seed: u64,
    },
    /// `term`: the glossary entry the address points at.
    Glossary {
        term: Option<String>,
    },
    /// Deliberately panics, so the browser tests can prove the error panel replaces a blank page.
    PanicCheck,
    /// Deliberately traps (a WebAssembly `unreachable`, as running out of memory does): the page, not the
    /// program, must then show the error panel.
    TrapCheck,
    NotFound {
        path: String,
        problem: String,
    },
}

impl Route {
    /// Parses `location.hash` (`""`, `"#/"`, `"#/lesson/offsets/step/3"` …). Never fails: what cannot be
    /// understood becomes `NotFound` with a sentence saying what is wrong.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let path = path.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
        let not_found = |problem: String| Route::NotFound {
            path: path.to_string(),
            problem,
        };
        match parts.as_slice() {
            [] => Route::Home,
            ["sandbox"] => Route::Sandbox { run: None, step: 0 },
            ["sandbox", "run", run] => Route::Sandbox {
                run: Some(run.to_string()),
                step: 0,
            },
            ["sandbox", "run", run, "step", step] => match step.parse::<u32>() {
                Ok(step) => Route::Sandbox {
                    run: Some(run.to_string()),
                    step,
                },
                Err(_) => not_found(format!(
                    "The step number \"{step}\" is not a whole number like 0, 1 or 2."
                )),
            },
            ["debug", "panic"] => Route::PanicCheck,
            ["debug", "trap"] => Route::TrapCheck,
            ["glossary"] => Route::Glossary { term: None },
            ["glossary", term] => Route::Glossary {
                term: Some(term.to_string()),
            },
            ["lesson", "compare"] | ["lesson", "compare", "step", _] => Route::Compare { seed: 0 },
            ["lesson", "compare", "seed", seed] => match seed.parse::<u64>() {
                Ok(seed) => Route::Compare { seed },
                Err(_) => not_found(format!(
                    "The crash schedule \"{seed}\" is not a whole number like 0, 1 or 2."
                )),
            },
            ["lesson", id] => Route::Lesson {
                id: id.to_string(),
                step: 0,
            },
            ["lesson", id, "handout"] => Route::Handout { id: id.to_string() },
            ["lesson", id, "step", step] => match step.parse::<u32>() {
                Ok(step) => Route::Lesson {
                    id: id.to_string(),
                    step,
                },
                Err(_) => not_found(format!(
                    "The step number \"{step}\" is not a whole number like 0, 1 or 2."
                )),
            },
            ["lesson", id, "chapter", chapter] => match chapter.parse::<u32>() {
                Ok(chapter) if chapter > 0 => Route::Chapter {
                    id: id.to_string(),
                    chapter,
                },
                _ => not_found(format!(
                    "The chapter number \"{chapter}\" is not a whole number like 1, 2 or 3."
                )),
            },
            _ => not_found("No page of the course has this address.".to_string()),
        }
    }

    /// The `#/…` form of this route, for links.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => "#/".to_string(),
            Route::Lesson { id, step } => format!("#/lesson/{id}/step/{step}"),
            Route::Chapter { id, chapter } => format!("#/lesson/{id}/chapter/{chapter}"),
            Route::Handout { id } => format!("#/lesson/{id}/handout"),
            Route::Compare { seed } => format!("#/lesson/compare/seed/{seed}"),
            Route::Sandbox { run: None, .. } => "#/sandbox".to_string(),
            Route::Sandbox {
                run: Some(run),
                step,
            } => format!("#/sandbox/run/{run}/step/{step}"),
            Route::PanicCheck => "#/debug/panic".to_string(),
            Route::TrapCheck => "#/debug/trap".to_string(),
            Route::Glossary { term: None } => "#/glossary".to_string(),
            Route::Glossary { term: Some(term) } => format!("#/glossary/{term}"),
            Route::NotFound { path, .. } => format!("#{path}"),
        }
    }
}

thread_local! {
    /// The address the app last showed: what it read on a navigation, or wrote itself.
    static SHOWN: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The route in the address bar now, which the app takes as what it shows.
pub fn current() -> Route {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    let route = Route::from_hash(&hash);
    SHOWN.with(|shown| *shown.borrow_mut() = hash);
    route
}

/// Puts `route` in the address bar without a new history entry and without telling the app: the page that
/// calls it (the player's cursor moving) already shows that moment. A navigation the app has not read yet
/// (the address changed since it last looked) wins: writing over it would lose where the learner went.
pub fn replace(route: &Route) {
    let window = gloo::utils::window();
    let location = window.location();
    let hash = route.to_hash();
    let now = location.hash().unwrap_or_default();
    if now == hash || SHOWN.with(|shown| *shown.borrow() != now) {
        return;
    }
    write(&window, hash);
}

/// Puts `route` in the address bar without a new history entry, whatever it held: for a navigation the app
/// makes itself (a host page's command) and shows at once.
pub fn show(route: &Route) {
    write(&gloo::utils::window(), route.to_hash());
}

fn write(window: &web_sys::Window, hash: String) {
    let location = window.location();
    // A full address: a bare "#…" would resolve against <base href> and drop the query (`?embed=1`).
    let url = format!(
        "{}{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default(),
        hash
    );
    SHOWN.with(|shown| *shown.borrow_mut() = hash);
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hash())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compare_page_keeps_its_crash_schedule() {
        assert_eq!(
            Route::from_hash("#/lesson/compare/seed/7"),
            Route::Compare { seed: 7 }
        );
        assert_eq!(
            Route::Compare { seed: 7 }.to_hash(),
            "#/lesson/compare/seed/7"
        );
        // The course's own link to the page, and older links, open schedule 0.
        assert_eq!(
            Route::from_hash("#/lesson/compare/step/0"),
            Route::Compare { seed: 0 }
        );
        assert_eq!(
            Route::from_hash("#/lesson/compare"),
            Route::Compare { seed: 0 }
        );
        assert!(matches!(
            Route::from_hash("#/lesson/compare/seed/x"),
            Route::NotFound { .. }
        ));
    }

    #[test]
    fn empty_and_root_hashes_are_home() {
        assert_eq!(Route::from_hash(""), Route::Home);
        assert_eq!(Route::from_hash("#"), Route::Home);
        assert_eq!(Route::from_hash("#/"), Route::Home);
    }

    #[test]
    fn lesson_deep_links_keep_id_and_step() {
        let route = Route::from_hash("#/lesson/offsets/step/3");
        assert_eq!(
            route,
            Route::Lesson {
                id: "offsets".into(),
                step: 3
            }
        );
        assert_eq!(route.to_hash(), "#/lesson/offsets/step/3");
        assert_eq!(
            Route::from_hash("#/lesson/offsets"),
            Route::Lesson {
                id: "offsets".into(),
                step: 0
            }
        );
    }

    #[test]
    fn a_chapter_has_an_address() {
        let route = Route::from_hash("#/lesson/manual-commit/chapter/3");
        assert_eq!(
            route,
            Route::Chapter {
                id: "manual-commit".into(),
                chapter: 3
            }
        );
        assert_eq!(route.to_hash(), "#/lesson/manual-commit/chapter/3");
        match Route::from_hash("#/lesson/offsets/chapter/0") {
            Route::NotFound { problem, .. } => assert!(problem.contains("\"0\""), "{problem}"),
            other => panic!("expected NotFound, got {other:?}"),
        }
    }

    #[test]
    fn sandbox_routes() {
        let plain = Route::Sandbox { run: None, step: 0 };
        assert_eq!(Route::from_hash("#/sandbox"), plain);
        assert_eq!(plain.to_hash(), "#/sandbox");
        let shared = Route::from_hash("#/sandbox/run/eyJ9/step/4");
        assert_eq!(
            shared,
            Route::Sandbox {
                run: Some("eyJ9".into()),
                step: 4
            }
        );
        assert_eq!(shared.to_hash(), "#/sandbox/run/eyJ9/step/4");
    }

    #[test]
    fn a_bad_step_number_says_what_is_wrong() {
        match Route::from_hash("#/lesson/offsets/step/three") {
            Route::NotFound { problem, path } => {
                assert!(problem.contains("\"three\""), "{problem}");
                assert_eq!(path, "/lesson/offsets/step/three");
            }
            other => panic!("expected NotFound, got {other:?}"),
        }
        assert!(matches!(
            Route::from_hash("#/lesson/offsets/step/-1"),
            Route::NotFound { .. }
        ));
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert!(matches!(
            Route::from_hash("#/nowhere/at/all"),
            Route::NotFound { .. }
        ));
    }
}
