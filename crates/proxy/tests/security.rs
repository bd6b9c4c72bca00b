//! The guards: token, Host, Origin and CORS, topic scope, body size, rate limit.

mod common;

use common::{bootstrap, http, test_config, Proxy};
use serde_json::json;

fn scenario() -> serde_json::Value {
    json!({
        "client": "librdkafka",
        "topics": [{ "name": "orders" }],
        "producers": [{ "id": "producer" }],
        "steps": []
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_the_token_are_401_and_with_it_reach_the_cluster() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let none = http(proxy.addr, "GET", "/v1/health", &[], None).await;
    assert_eq!(none.status, 401, "{}", none.body);
    assert!(none.body.contains("missing token"), "{}", none.body);
    let wrong = http(
        proxy.addr,
        "GET",
        "/v1/health",
        &[("Authorization", "Bearer nope")],
        None,
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("wrong token"), "{}", wrong.body);
    let (status, health) = proxy.call("GET", "/v1/health", None).await;
    assert_eq!(status, 200);
    assert_eq!(health["broker_reachable"], true, "{health}");
    assert_eq!(health["proxy"], "kafka-proxy 0.1.0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_header_is_403_dns_rebinding() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let auth = format!("Bearer {}", proxy.token);
    let evil = http(
        proxy.addr,
        "GET",
        "/v1/health",
        &[("Host", "evil.example:8787"), ("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(evil.status, 403, "{}", evil.body);
    assert!(evil.body.contains("evil.example"), "{}", evil.body);
    let host = format!("localhost:{}", proxy.addr.port());
    let local = http(
        proxy.addr,
        "GET",
        "/v1/health",
        &[("Host", &host), ("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(local.status, 200, "{}", local.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_is_403_and_an_allowed_one_gets_cors_and_a_preflight() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let auth = format!("Bearer {}", proxy.token);
    let evil = http(
        proxy.addr,
        "GET",
        "/v1/health",
        &[("Origin", "https://evil.example"), ("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(evil.status, 403, "{}", evil.body);
    assert!(evil.body.contains("https://evil.example"), "{}", evil.body);

    let course = "http://127.0.0.1:8080";
    let ok = http(
        proxy.addr,
        "GET",
        "/v1/health",
        &[("Origin", course), ("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.headers
            .get("access-control-allow-origin")
            .map(String::as_str),
        Some(course)
    );

    // The preflight carries no token and is answered by the proxy itself.
    let pre = http(
        proxy.addr,
        "OPTIONS",
        "/v1/sessions",
        &[
            ("Origin", course),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
            ("Access-Control-Request-Private-Network", "true"),
        ],
        None,
    )
    .await;
    assert_eq!(pre.status, 204, "{}", pre.body);
    assert_eq!(pre.headers["access-control-allow-origin"], course);
    assert!(pre.headers["access-control-allow-headers"].contains("authorization"));
    assert!(pre.headers["access-control-allow-methods"].contains("DELETE"));
    assert_eq!(pre.headers["access-control-allow-private-network"], "true");

    // An error answer still carries CORS, so the page can read why.
    let no_token = http(proxy.addr, "GET", "/v1/health", &[("Origin", course)], None).await;
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.headers["access-control-allow-origin"], course);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_outside_the_session_are_403() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    // A step naming a topic the session did not declare.
    let id = proxy.session(&scenario()).await;
    let (status, body) = proxy
        .call(
            "POST",
            &format!("/v1/sessions/{id}/steps"),
            Some(&json!({ "actor": "producer", "op": "send", "topic": "payments", "value": "x" })),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or("")
            .contains("\"payments\" is outside this session"),
        "{body}"
    );
    // Another session's prefixed name, and an internal topic, cannot even be declared.
    for name in ["kdl-0badc0de-orders", "__consumer_offsets"] {
        let mut s = scenario();
        s["topics"][0]["name"] = json!(name);
        let (status, body) = proxy.call("POST", "/v1/sessions", Some(&s)).await;
        assert_eq!(status, 403, "{name}: {body}");
    }
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_256_kib_is_413_and_a_bad_scenario_400_with_its_path() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let auth = format!("Bearer {}", proxy.token);
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(300 * 1024));
    let r = http(
        proxy.addr,
        "POST",
        "/v1/sessions",
        &[("Authorization", &auth)],
        Some(&big),
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.body);
    let (status, body) = proxy
        .call(
            "POST",
            "/v1/sessions",
            Some(&json!({ "client": "librdkafka", "topics": [{ "name": "t", "partitions": 0 }], "steps": [] })),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["path"], "topics[0].partitions", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_gets_429_on_its_own_bucket_and_never_locks_out_the_token_holder() {
    let mut config = test_config(&bootstrap());
    config.rate_per_second = 1;
    config.rate_burst = 3;
    let proxy = Proxy::start(config).await;
    // Without the token, or from another site's page (an <img>: no Origin), a flood is refused before the
    // rate limit and spends nothing.
    for _ in 0..50 {
        let anonymous = http(proxy.addr, "GET", "/v1/health", &[], None).await;
        assert_eq!(anonymous.status, 401);
        let cross_site = http(
            proxy.addr,
            "GET",
            "/v1/health",
            &[("Sec-Fetch-Site", "cross-site")],
            None,
        )
        .await;
        assert_eq!(cross_site.status, 403, "{}", cross_site.body);
    }
    let (status, _) = proxy.call("GET", "/v1/health", None).await;
    assert_eq!(status, 200);
    // The token holder's own flood on one session is slowed there, not on another session.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            proxy
                .call("GET", "/v1/sessions/flooded/state", None)
                .await
                .0,
        );
    }
    assert_eq!(statuses[..3], [404, 404, 404], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let (status, _) = proxy.call("GET", "/v1/sessions/other/state", None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_session_is_404() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let (status, body) = proxy.call("GET", "/v1/sessions/nope/state", None).await;
    assert_eq!(status, 404, "{body}");
}

/// Whether the proxy closed `stream` (read gives end of file) within `limit`, and what it sent before.
async fn closed_within(
    stream: &mut tokio::net::TcpStream,
    limit: std::time::Duration,
) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_or_silent_clients_are_disconnected_and_connections_are_capped() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    let mut config = test_config(&bootstrap());
    config.header_timeout = Duration::from_millis(500);
    config.max_connections = 8;
    let proxy = Proxy::start(config).await;
    let connect = || tokio::net::TcpStream::connect(proxy.addr);

    // Silent, and headers that never end: closed after the header timeout.
    let mut silent = connect().await.unwrap();
    let mut slow = connect().await.unwrap();
    slow.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(3))
        .await
        .is_some());
    assert!(closed_within(&mut slow, Duration::from_secs(3))
        .await
        .is_some());

    // A body that never ends: 408 within the body timeout, then closed.
    let mut stalled = connect().await.unwrap();
    let head = format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{",
        proxy.addr, proxy.token
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    let answer = closed_within(&mut stalled, Duration::from_secs(15)).await;
    assert!(
        answer
            .as_deref()
            .is_some_and(|a| a.starts_with("HTTP/1.1 408")),
        "{answer:?}"
    );

    // Past the cap a new connection is closed at once; the token holder is served again once the idle
    // connections time out.
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(connect().await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut over = connect().await.unwrap();
    assert_eq!(
        closed_within(&mut over, Duration::from_millis(300))
            .await
            .as_deref(),
        Some("")
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (status, _) = proxy.call("GET", "/v1/health", None).await;
    assert_eq!(status, 200);
}
