//! The live view's state: the switch, the proxy's address and token, the connection and the last real run.
//! Reducers are pure; the requests and storage live in the panel's callbacks and effects
//! (`components/real_cluster_panel.rs`). Every request carries a number, so an answer that arrives after the
//! learner moved on (switched off, asked again) is dropped.

use std::rc::Rc;

use kafka_model::compare::Comparison;
use kafka_model::real_run::RealRun;
use kafka_model::Output;
use yew::Reducible;

use super::proxy_client::{Health, ProxyError};

#[derive(Debug, Clone, PartialEq)]
pub struct LiveState {
    pub enabled: bool,
    pub address: String,
    pub token: String,
    pub connection: Connection,
    pub run: RunStatus,
    /// Numbers requests; only the latest one's answer counts.
    pub request: u32,
    /// Whether the browser kept the address and token that last worked (storage may be blocked).
    pub remembered: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    NotConnected,
    Connecting,
    Connected(Health),
    Failed(ProxyError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Idle,
    Running { steps: usize },
    Done(Rc<LiveResult>),
    Failed { steps: usize, error: ProxyError },
}

/// One run on the real cluster and the model's output for the same steps.
#[derive(Debug, Clone)]
pub struct LiveResult {
    /// Steps run (the player's cursor when the run started).
    pub steps: usize,
    /// The player's timeline revision then, so a later fork marks the result as out of date.
    pub revision: u32,
    pub model: Output,
    pub real: RealRun,
    pub comparison: Comparison,
}

/// A run is itself: two results are the same only when they are one (comparing the whole states would only
/// add code to the WebAssembly; a new run is always a new result).
impl PartialEq for LiveResult {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

pub enum LiveAction {
    SetEnabled(bool),
    SetAddress(String),
    SetToken(String),
    /// A health check went out as request `request`.
    Connecting {
        request: u32,
    },
    /// `remembered`: whether storage kept the address and token that worked.
    Connected {
        request: u32,
        health: Health,
        remembered: bool,
    },
    ConnectFailed {
        request: u32,
        error: ProxyError,
    },
    /// A run of the first `steps` steps went out as request `request`.
    Running {
        request: u32,
        steps: usize,
    },
    Ran {
        request: u32,
        result: Rc<LiveResult>,
    },
    RunFailed {
        request: u32,
        error: ProxyError,
    },
}

impl LiveState {
    pub fn new(address: String, token: String) -> Self {
        Self {
            enabled: false,
            address,
            token,
            connection: Connection::NotConnected,
            run: RunStatus::Idle,
            request: 0,
            remembered: true,
        }
    }

    /// The number the next request goes out with.
    pub fn next_request(&self) -> u32 {
        self.request + 1
    }

    pub fn connected(&self) -> bool {
        matches!(self.connection, Connection::Connected(_))
    }

    pub fn busy(&self) -> bool {
        matches!(self.connection, Connection::Connecting)
            || matches!(self.run, RunStatus::Running { .. })
    }
}

fn unchecked(connection: &Connection) -> Connection {
    match connection {
        Connection::Connected(_) => Connection::NotConnected,
        other => other.clone(),
    }
}

impl Reducible for LiveState {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let current = |request: u32| request == self.request;
        match action {
            LiveAction::SetEnabled(enabled) => {
                next.enabled = enabled;
                if !enabled {
                    // Switching off forgets the connection and drops any answer still on its way.
                    next.connection = Connection::NotConnected;
                    next.run = RunStatus::Idle;
                    next.request += 1;
                }
            }
            // A connection was checked with the old address and token; a problem stays shown until Retry.
            LiveAction::SetAddress(address) => {
                next.address = address;
                next.connection = unchecked(&self.connection);
            }
            LiveAction::SetToken(token) => {
                next.token = token;
                next.connection = unchecked(&self.connection);
            }
            LiveAction::Connecting { request } => {
                next.request = request;
                next.connection = Connection::Connecting;
            }
            LiveAction::Connected {
                request,
                health,
                remembered,
            } if current(request) => {
                next.connection = Connection::Connected(health);
                next.remembered = remembered;
            }
            LiveAction::ConnectFailed { request, error } if current(request) => {
                next.connection = Connection::Failed(error);
            }
            LiveAction::Running { request, steps } => {
                next.request = request;
                next.run = RunStatus::Running { steps };
            }
            LiveAction::Ran { request, result } if current(request) => {
                next.run = RunStatus::Done(result);
            }
            LiveAction::RunFailed { request, error } if current(request) => {
                let steps = match &self.run {
                    RunStatus::Running { steps } => *steps,
                    _ => 0,
                };
                // A proxy that cannot be reached any more is no longer connected.
                if matches!(error, ProxyError::NotRunning { .. } | ProxyError::BadToken) {
                    next.connection = Connection::Failed(error.clone());
                }
                next.run = RunStatus::Failed { steps, error };
            }
            // An answer to a request the learner has moved on from.
            _ => return self,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health() -> Health {
        Health {
            proxy: "kafka-proxy 0.1.0".into(),
            bootstrap: "127.0.0.1:9092".into(),
            broker_reachable: true,
            error: None,
        }
    }

    fn reduce(state: LiveState, actions: Vec<LiveAction>) -> LiveState {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    #[test]
    fn off_by_default_and_connecting_follows_the_latest_request() {
        let state = LiveState::new("http://127.0.0.1:8787".into(), String::new());
        assert!(!state.enabled);
        let state = reduce(
            state,
            vec![
                LiveAction::SetEnabled(true),
                LiveAction::Connecting { request: 1 },
                LiveAction::Connecting { request: 2 },
                LiveAction::ConnectFailed {
                    request: 1,
                    error: ProxyError::BadToken,
                },
            ],
        );
        assert_eq!(
            state.connection,
            Connection::Connecting,
            "a stale answer is dropped"
        );
        let state = reduce(
            state,
            vec![LiveAction::Connected {
                request: 2,
                health: health(),
                remembered: false,
            }],
        );
        assert!(state.connected());
        assert!(!state.remembered, "the browser would not keep them");
    }

    #[test]
    fn editing_the_token_keeps_the_problem_shown_but_forgets_a_connection() {
        let failed = reduce(
            LiveState::new(String::new(), "wrong".into()),
            vec![
                LiveAction::Connecting { request: 1 },
                LiveAction::ConnectFailed {
                    request: 1,
                    error: ProxyError::BadToken,
                },
                LiveAction::SetToken("right".into()),
            ],
        );
        assert_eq!(failed.connection, Connection::Failed(ProxyError::BadToken));
        let connected = reduce(
            failed,
            vec![
                LiveAction::Connecting { request: 2 },
                LiveAction::Connected {
                    request: 2,
                    health: health(),
                    remembered: true,
                },
                LiveAction::SetAddress("http://127.0.0.1:9000".into()),
            ],
        );
        assert_eq!(connected.connection, Connection::NotConnected);
    }

    #[test]
    fn switching_off_drops_answers_on_their_way() {
        let state = reduce(
            LiveState::new(String::new(), String::new()),
            vec![
                LiveAction::SetEnabled(true),
                LiveAction::Running {
                    request: 1,
                    steps: 3,
                },
                LiveAction::SetEnabled(false),
                LiveAction::RunFailed {
                    request: 1,
                    error: ProxyError::BadToken,
                },
            ],
        );
        assert_eq!(state.run, RunStatus::Idle);
        assert_eq!(state.connection, Connection::NotConnected);
    }

    #[test]
    fn a_run_that_finds_no_proxy_disconnects_and_keeps_the_step_count() {
        let error = ProxyError::NotRunning {
            address: "http://127.0.0.1:8787".into(),
            origin: "http://127.0.0.1:8080".into(),
        };
        let state = reduce(
            LiveState::new(String::new(), String::new()),
            vec![
                LiveAction::SetEnabled(true),
                LiveAction::Connecting { request: 1 },
                LiveAction::Connected {
                    request: 1,
                    health: health(),
                    remembered: true,
                },
                LiveAction::Running {
                    request: 2,
                    steps: 7,
                },
                LiveAction::RunFailed {
                    request: 2,
                    error: error.clone(),
                },
            ],
        );
        assert_eq!(
            state.run,
            RunStatus::Failed {
                steps: 7,
                error: error.clone()
            }
        );
        assert_eq!(state.connection, Connection::Failed(error));
    }
}
