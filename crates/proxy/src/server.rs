//! The HTTP server: `app` builds the router with its guards, `serve` runs it on a bound listener until
//! ctrl-c (or the given shutdown future), expiring idle sessions meanwhile.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

use crate::config::{allowed_hosts, Config};
use crate::context::{ProxyContext, Shared};
use crate::guard::{body, cors, host, rate_limit, token, Guard};
use crate::routes;

/// The router for a proxy listening on `listen` (the Host check needs the real address).
pub fn app(state: Shared, listen: SocketAddr) -> Router {
    let config = &state.config;
    let guard = Arc::new(Guard {
        hosts: allowed_hosts(listen),
        origins: config.allow_origins.clone(),
        token: config.token.clone(),
        limiter: rate_limit::RateLimiter::new(config.rate_per_second, config.rate_burst),
    });
    Router::new()
        .route("/v1/health", get(routes::health))
        .route("/v1/sessions", post(routes::create_session))
        .route("/v1/sessions/{id}/steps", post(routes::step))
        .route("/v1/sessions/{id}/state", get(routes::real_state))
        .route(
            "/v1/sessions/{id}",
            axum::routing::delete(routes::delete_session),
        )
        .route("/v1/run", post(routes::run))
        .with_state(state)
        // Layers run outermost last-added: host, origin/CORS, token, rate, body size.
        .layer(from_fn(body::limit_body))
        .layer(from_fn_with_state(guard.clone(), rate_limit::limit_rate))
        .layer(from_fn_with_state(guard.clone(), token::check_token))
        .layer(from_fn_with_state(guard.clone(), cors::check_origin))
        .layer(from_fn_with_state(guard, host::check_host))
}

/// Serves until `shutdown` completes; then every session is closed and its topics deleted.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listen = listener.local_addr()?;
    let state = ProxyContext::new(config).map_err(std::io::Error::other)?;
    let expiry = tokio::spawn(expire_idle(state.clone()));
    let router = app(state.clone(), listen);
    let result = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await;
    expiry.abort();
    for s in state.sessions.take_idle(Duration::ZERO) {
        crate::service::end_session(&state, &s).await;
    }
    result
}

/// Closes sessions nobody used for `session_idle`, and deletes their topics.
async fn expire_idle(state: Shared) {
    let every =
        (state.config.session_idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(30));
    loop {
        tokio::time::sleep(every).await;
        for s in state.sessions.take_idle(state.config.session_idle) {
            tracing::info!("session {} expired after idling", s.id);
            crate::service::end_session(&state, &s).await;
        }
    }
}
