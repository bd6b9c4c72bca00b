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
