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

/// How often what could not be deleted is tried again.
const LEFTOVER_RETRY: Duration = Duration::from_secs(2);

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

/// Requests in flight when the proxy is asked to stop get this long to finish.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// Ending the sessions on stop takes at most this long; what is not deleted by then stays in the proxy's
/// list of names for the next start.
const STOP_CLEANUP: Duration = Duration::from_secs(10);

/// Serves until `shutdown` completes: then it accepts nothing more, gives requests in flight `STOP_GRACE`,
/// and ends every session (closing its clients, deleting its topics) within `STOP_CLEANUP`. Fails only when
/// the proxy cannot start.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listen = listener.local_addr()?;
    let state = ProxyContext::new(config).map_err(std::io::Error::other)?;
    let expiry = tokio::spawn(expire_idle(state.clone()));
    let retry = tokio::spawn(retry_leftovers(state.clone()));
    let router = app(state.clone(), listen);
    accept(listener, router, &state.config, shutdown).await;
    expiry.abort();
    retry.abort();
    let ending: Vec<_> = state
        .sessions
        .take_idle(Duration::ZERO)
        .into_iter()
        .map(|s| {
            let state = state.clone();
            tokio::spawn(async move { crate::service::end_session(&state, &s).await })
        })
        .collect();
    let _ = tokio::time::timeout(STOP_CLEANUP, async {
        for e in ending {
            let _ = e.await;
        }
    })
    .await;
    Ok(())
}

/// Serves connections until `stop`, then gives those open `STOP_GRACE` to finish. Past `max_connections` a new
/// connection is closed at once; a client slow to send its headers, or silent, is disconnected after
/// `header_timeout`.
async fn accept(
    listener: TcpListener,
    router: Router,
    config: &Config,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors, say: wait instead of spinning.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    let _ = tokio::time::timeout(STOP_GRACE, graceful.shutdown()).await;
}

/// Deletes what ended sessions left on the cluster and could not be deleted then (or a killed proxy left).
async fn retry_leftovers(state: Shared) {
    loop {
        if state.leftovers.pending() > 0 {
            state
                .leftovers
                .clean(None, state.config.kafka_timeout)
                .await;
        }
        tokio::time::sleep(LEFTOVER_RETRY).await;
    }
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
