//! Shared test helpers: a proxy served in-process on a free port, a tiny HTTP/1.1 client, and the broker.
#![allow(dead_code)]

pub mod driver;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use kafka_proxy::Config;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The broker `./x test` started; the tests need a real one and say so instead of skipping.
pub fn bootstrap() -> String {
    match std::env::var("KAFKA_BOOTSTRAP") {
        Ok(b) if !b.is_empty() => b,
        _ => panic!(
            "KAFKA_BOOTSTRAP is not set: these tests need a real Kafka broker. Run `./x test`, or start one with \
             `tools/kafka/broker start` and export KAFKA_BOOTSTRAP=<the address it prints>"
        ),
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tools/kafka/broker` with these arguments; what it printed. A test's own brokers are started this way.
pub fn broker_script(args: &[&str]) -> String {
    let out = std::process::Command::new(repo_root().join("tools/kafka/broker"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap_or_else(|e| panic!("tools/kafka/broker {args:?}: {e}"));
    assert!(
        out.status.success(),
        "tools/kafka/broker {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Stops the brokers started from `dir` and removes it, whatever state they are in.
pub fn remove_brokers(dir: &std::path::Path) {
    let _ = std::process::Command::new(repo_root().join("tools/kafka/broker"))
        .arg("stop")
        .arg(dir)
        .output();
    let _ = std::fs::remove_dir_all(dir);
}

/// Short limits, so a stalled call fails the test quickly.
pub fn test_config(bootstrap: &str) -> Config {
    let mut c = Config::new(bootstrap, "test-token");
    c.kafka_timeout = Duration::from_secs(5);
    c.poll_wait = Duration::from_secs(3);
    c.max_advance_ms = 2_000;
    c
}

pub struct Proxy {
    pub addr: SocketAddr,
    pub token: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Proxy {
    pub async fn start(config: Config) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let addr = listener.local_addr().expect("local address");
        let token = config.token.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            kafka_proxy::serve(config, listener, shutdown)
                .await
                .expect("the proxy serves");
        });
        Proxy {
            addr,
            token,
            stop: Some(stop),
        }
    }

    /// A request with the right Host and token.
    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let auth = format!("Bearer {}", self.token);
        let body = body.map(|b| b.to_string());
        let r = http(
            self.addr,
            method,
            path,
            &[("Authorization", &auth)],
            body.as_deref(),
        )
        .await;
        let json = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        (r.status, json)
    }

    pub async fn session(&self, scenario: &Value) -> String {
        let (status, body) = self.call("POST", "/v1/sessions", Some(scenario)).await;
        assert_eq!(status, 201, "creating a session: {body}");
        body["session"].as_str().expect("a session id").to_owned()
    }

    /// Runs one step and returns the step answer (asserting 200).
    pub async fn step(&self, session: &str, step: Value) -> Value {
        let (status, body) = self
            .call(
                "POST",
                &format!("/v1/sessions/{session}/steps"),
                Some(&step),
            )
            .await;
        assert_eq!(status, 200, "step {step}: {body}");
        body
    }

    pub async fn state(&self, session: &str) -> Value {
        let (status, body) = self
            .call("GET", &format!("/v1/sessions/{session}/state"), None)
            .await;
        assert_eq!(status, 200, "state: {body}");
        body
    }

    pub async fn delete(&self, session: &str) {
        let (status, body) = self
            .call("DELETE", &format!("/v1/sessions/{session}"), None)
            .await;
        assert_eq!(status, 204, "delete: {body}");
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub struct Answer {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// A minimal HTTP/1.1 request (Host is the proxy's address unless a header overrides it).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the proxy");
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    stream
        .write_all(req.as_bytes())
        .await
        .expect("send the request");
    if let Some(b) = body {
        // A refused oversize body may close the connection early; the answer is still readable.
        let _ = stream.write_all(b.as_bytes()).await;
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<HashMap<_, _>>();
    let body = if headers
        .get("transfer-encoding")
        .is_some_and(|t| t == "chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The events of a step answer as one string, for `contains` checks.
pub fn events(step: &Value) -> String {
    step["events"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}
