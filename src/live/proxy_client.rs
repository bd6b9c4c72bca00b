//! Talking to `kafka-proxy` (docs/real-cluster.md): `GET /v1/health` and `POST /v1/run`, with the token as a
//! bearer token and a time limit on every request. Every way a request can go wrong becomes a [`ProxyError`]
//! whose message names the problem, so the live view never shows a blank page.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use serde::Deserialize;
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use kafka_model::real_run::RealRun;

/// Where `kafka-proxy` listens unless told otherwise.
pub const DEFAULT_ADDRESS: &str = "http://127.0.0.1:8787";

/// How long the app waits for the proxy's answer to a health check.
const HEALTH_TIMEOUT_MS: u32 = 10_000;
/// A run creates topics and clients and runs every step with Kafka's own timeouts, so it may take a while.
const RUN_TIMEOUT_MS: u32 = 180_000;

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Health {
    #[serde(default)]
    pub proxy: String,
    #[serde(default)]
    pub bootstrap: String,
    #[serde(default)]
    pub broker_reachable: bool,
    #[serde(default)]
    pub error: Option<String>,
}

/// Why a request to the proxy did not give an answer to show.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProxyError {
    #[error("\"{0}\" is not a proxy address: write it as http://HOST:PORT, for example {DEFAULT_ADDRESS}.")]
    BadAddress(String),
    #[error(
        "The proxy is not running at {address}, or it does not allow this page: nothing answered there. \
         Start it with `cargo run --release -p kafka-proxy -- --bootstrap-servers HOST:PORT` (add \
         `--allow-origin {origin}` when the course is not served from http://127.0.0.1:8080), check the address, \
         then retry."
    )]
    NotRunning { address: String, origin: String },
    #[error(
        "The proxy refused the token (401 Unauthorized). Copy the token the proxy printed when it started, then retry."
    )]
    BadToken,
    #[error(
        "The proxy refused this page (403 Forbidden): {message}. Start it with `--allow-origin {origin}`, then retry."
    )]
    Forbidden { message: String, origin: String },
    #[error(
        "The proxy cannot reach the Kafka cluster (502 Bad Gateway): {0}. Is the broker running?"
    )]
    BrokerDown(String),
    #[error("The proxy runs, but the Kafka cluster does not answer: {0}. Is the broker running?")]
    BrokerUnreachable(String),
    #[error("A Kafka call timed out on the real cluster (504 Gateway Timeout): {0}.")]
    KafkaTimeout(String),
    #[error("The proxy did not answer within {seconds} seconds.")]
    NoAnswer { seconds: u32 },
    #[error("The proxy is busy (429 Too Many Requests): {0}. Wait a moment, then retry.")]
    TooMany(String),
    #[error("The proxy refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("The proxy's answer could not be read: {0}")]
    BadAnswer(String),
}

/// `http://127.0.0.1:8787/` → `http://127.0.0.1:8787`; an address without a scheme gets `http://`.
pub fn normalize_address(address: &str) -> Result<String, ProxyError> {
    let trimmed = address.trim().trim_end_matches('/');
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("http://{trimmed}")
    };
    let host = with_scheme
        .strip_prefix("http://")
        .or_else(|| with_scheme.strip_prefix("https://"));
    match host {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(with_scheme),
        _ => Err(ProxyError::BadAddress(address.trim().to_string())),
    }
}

/// The error an HTTP status other than 2xx stands for; `body` is the proxy's `{"error": "..."}` if any.
pub fn error_for_status(status: u16, body: &str, origin: &str) -> ProxyError {
    #[derive(Deserialize)]
    struct ErrorBody {
        error: String,
        #[serde(default)]
        path: Option<String>,
    }
    let message = match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody {
            error,
            path: Some(path),
        }) => format!("{error} (at {path})"),
        Ok(ErrorBody { error, path: None }) => error,
        Err(_) if body.trim().is_empty() => "no reason given".to_string(),
        Err(_) => body.trim().chars().take(300).collect(),
    };
    match status {
        401 => ProxyError::BadToken,
        403 => ProxyError::Forbidden {
            message,
            origin: origin.to_string(),
        },
        502 => ProxyError::BrokerDown(message),
        504 => ProxyError::KafkaTimeout(message),
        429 => ProxyError::TooMany(message),
        _ => ProxyError::Refused { status, message },
    }
}

/// Reads a 2xx answer.
pub fn parse_answer<T: for<'de> Deserialize<'de>>(body: &str) -> Result<T, ProxyError> {
    serde_json::from_str(body).map_err(|e| ProxyError::BadAnswer(e.to_string()))
}

/// A health answer that says the broker is out of reach is a problem too.
pub fn check_health(health: Health) -> Result<Health, ProxyError> {
    if health.broker_reachable {
        Ok(health)
    } else {
        Err(ProxyError::BrokerUnreachable(
            health
                .error
                .clone()
                .unwrap_or_else(|| format!("no broker answers at {}", health.bootstrap)),
        ))
    }
}

/// `GET /v1/health`: the proxy is there, takes the token, and reaches the cluster.
pub async fn health(address: &str, token: &str) -> Result<Health, ProxyError> {
    let body = request("GET", address, "/v1/health", token, None, HEALTH_TIMEOUT_MS).await?;
    check_health(parse_answer(&body)?)
}

/// `POST /v1/run`: the scenario's set-up and steps in a fresh session on the real cluster.
pub async fn run(address: &str, token: &str, scenario: String) -> Result<RealRun, ProxyError> {
    let body = request(
        "POST",
        address,
        "/v1/run",
        token,
        Some(scenario),
        RUN_TIMEOUT_MS,
    )
    .await?;
    super::real_run_json::read_real_run(&body).map_err(ProxyError::BadAnswer)
}

/// One request; `Ok` is the body of a 2xx answer.
async fn request(
    method: &str,
    address: &str,
    path: &str,
    token: &str,
    body: Option<String>,
    timeout_ms: u32,
) -> Result<String, ProxyError> {
    let address = normalize_address(address)?;
    let origin = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    let not_running = || ProxyError::NotRunning {
        address: address.clone(),
        origin: origin.clone(),
    };
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_mode(web_sys::RequestMode::Cors);
    let headers = web_sys::Headers::new().map_err(|_| not_running())?;
    let _ = headers.set("Authorization", &format!("Bearer {}", token.trim()));
    if let Some(body) = &body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    // The time limit: past it the request is aborted and reported as "did not answer".
    let controller = web_sys::AbortController::new().ok();
    let timed_out = Rc::new(Cell::new(false));
    let timer = controller.clone().map(|controller| {
        init.set_signal(Some(&controller.signal()));
        let timed_out = timed_out.clone();
        Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    });
    let failed = |timed_out: &Cell<bool>| {
        if timed_out.get() {
            ProxyError::NoAnswer {
                seconds: timeout_ms / 1000,
            }
        } else {
            not_running()
        }
    };
    let url = format!("{address}{path}");
    let answer = JsFuture::from(gloo::utils::window().fetch_with_str_and_init(&url, &init)).await;
    let response: web_sys::Response = match answer.map(JsCast::dyn_into) {
        Ok(Ok(response)) => response,
        _ => return Err(failed(&timed_out)),
    };
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    drop(timer);
    let text = match text {
        Ok(text) => text.as_string().unwrap_or_default(),
        Err(_) => return Err(failed(&timed_out)),
    };
    let status = response.status();
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(error_for_status(status, &text, &origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalized_or_refused() {
        assert_eq!(
            normalize_address(" http://127.0.0.1:8787/ ").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            normalize_address("localhost:9000").unwrap(),
            "http://localhost:9000"
        );
        assert!(matches!(
            normalize_address("ftp://x"),
            Err(ProxyError::BadAddress(_))
        ));
        assert!(matches!(
            normalize_address("  "),
            Err(ProxyError::BadAddress(_))
        ));
    }

    #[test]
    fn statuses_name_the_problem() {
        let origin = "http://127.0.0.1:8080";
        assert_eq!(
            error_for_status(401, r#"{"error":"wrong token"}"#, origin),
            ProxyError::BadToken
        );
        assert!(error_for_status(401, "", origin)
            .to_string()
            .contains("401"));
        let broker = error_for_status(502, r#"{"error":"all brokers down"}"#, origin);
        assert_eq!(broker, ProxyError::BrokerDown("all brokers down".into()));
        assert!(broker.to_string().contains("Is the broker running?"));
        assert!(matches!(
            error_for_status(504, "{}", origin),
            ProxyError::KafkaTimeout(_)
        ));
        let forbidden = error_for_status(403, r#"{"error":"origin not allowed"}"#, origin);
        assert!(forbidden
            .to_string()
            .contains("--allow-origin http://127.0.0.1:8080"));
        assert_eq!(
            error_for_status(
                400,
                r#"{"error":"unknown op","path":"steps[2].op"}"#,
                origin
            ),
            ProxyError::Refused {
                status: 400,
                message: "unknown op (at steps[2].op)".into()
            }
        );
    }

    #[test]
    fn not_running_says_so() {
        let error = ProxyError::NotRunning {
            address: DEFAULT_ADDRESS.into(),
            origin: "http://127.0.0.1:8080".into(),
        };
        assert!(error
            .to_string()
            .contains("not running at http://127.0.0.1:8787"));
    }

    #[test]
    fn an_unreachable_broker_in_the_health_answer_is_a_problem() {
        let health: Health = parse_answer(
            r#"{"proxy":"kafka-proxy 0.1.0","bootstrap":"127.0.0.1:9092","broker_reachable":false,"error":"connection refused"}"#,
        )
        .unwrap();
        assert_eq!(
            check_health(health),
            Err(ProxyError::BrokerUnreachable("connection refused".into()))
        );
        assert!(matches!(
            parse_answer::<Health>("<html>"),
            Err(ProxyError::BadAnswer(_))
        ));
    }
}
