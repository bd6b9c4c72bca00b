//! The HTTP handlers of docs/real-cluster.md; each is a thin shell over `service`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use kafka_model::output::StepOutput;
use serde::Serialize;

use crate::client_kind::ClientInfo;
use crate::context::Shared;
use crate::error::ApiError;
use crate::guard::body::JsonBody;
use crate::service;
use crate::session::Session;
use kafka_model::real_run::{Health, RealRun, RealState, SessionCreated};

pub async fn health(State(app): State<Shared>) -> Json<Health> {
    let probe = service::probe(&app).await;
    Json(Health {
        proxy: format!("kafka-proxy {}", env!("CARGO_PKG_VERSION")),
        bootstrap: app.config.bootstrap.clone(),
        broker_reachable: probe.is_ok(),
        error: probe.err(),
        sessions: app.sessions.len(),
    })
}

/// A created session, and the client library its clients run on.
#[derive(Serialize)]
pub struct Created {
    #[serde(flatten)]
    pub created: SessionCreated,
    pub client: ClientInfo,
}

/// A whole run, and the client library it ran on.
#[derive(Serialize)]
pub struct Ran {
    #[serde(flatten)]
    pub run: RealRun,
    pub client: ClientInfo,
}

pub async fn create_session(
    State(app): State<Shared>,
    JsonBody(scenario): JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let (session, _) = service::create_session(&app, &scenario).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            created: SessionCreated {
                session: session.id.clone(),
                prefix: session.prefix.clone(),
            },
            client: session.client.clone(),
        }),
    ))
}

fn find(app: &Shared, id: &str) -> Result<Arc<Session>, ApiError> {
    app.sessions.get(id).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no session \"{id}\" (it may have expired after idling)"
        ))
    })
}

pub async fn step(
    State(app): State<Shared>,
    Path(id): Path<String>,
    JsonBody(step): JsonBody,
) -> Result<Json<StepOutput>, ApiError> {
    let session = find(&app, &id)?;
    service::run_step(&app, &session, step).await.map(Json)
}

pub async fn real_state(
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<RealState>, ApiError> {
    let session = find(&app, &id)?;
    service::real_state(&app, &session).await.map(Json)
}

pub async fn delete_session(
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let session = app
        .sessions
        .remove(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no session \"{id}\"")))?;
    service::end_session(&app, &session).await;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn run(
    State(app): State<Shared>,
    JsonBody(scenario): JsonBody,
) -> Result<Json<Ran>, ApiError> {
    let (run, client) = service::run_whole(&app, &scenario).await?;
    Ok(Json(Ran { run, client }))
}
