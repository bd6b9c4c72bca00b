//! The operations behind the handlers: create a session (topics, clients), run one step, read the state,
//! end a session, run a whole scenario. Blocking librdkafka calls run in `spawn_blocking`, bounded twice: each
//! Kafka call has its own timeout, and the request as a whole answers 504 if the task takes longer.

use std::sync::Arc;
use std::time::Duration;

use kafka_model::names::Names;
use kafka_model::output::actor_name;
use kafka_model::output::StepOutput;
use kafka_model::scenario::{scenario_from_value, Scenario, Texts};
use kafka_model::Action;
use serde_json::Value;
use tokio::sync::OwnedMutexGuard;

use crate::broker_faults::Brokers;
use crate::client_kind::{take_client, ClientInfo, ClientKind};
use crate::context::Shared;
use crate::driver_client::Launcher;
use crate::error::ApiError;
use crate::fd_budget;
use crate::observe::{observe, ObserveError};
use crate::real_state::{compose, known};
use crate::run_step::{run_action, Limits};
use crate::scope::{check_declared_topics, check_step_topics, PREFIX_ROOT};
use crate::session::Session;
use crate::session_clients::SessionClients;
use crate::settle::{ending_transaction, markers_written};
use crate::step_outcome::Stalled;
use crate::token::hex;
use crate::topics::{create_topics, wait_ready};
use kafka_model::real_run::{RealRun, RealState};

/// Whether the cluster answers a metadata request now; the error says why not.
pub async fn probe(app: &Shared) -> Result<(), String> {
    let app2 = app.clone();
    let wait = app.config.kafka_timeout.min(Duration::from_secs(3));
    let task = tokio::task::spawn_blocking(move || {
        app2.admin
            .inner()
            .fetch_metadata(None, wait)
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    match tokio::time::timeout(wait + Duration::from_secs(1), task).await {
        Ok(Ok(r)) => r.map_err(|e| {
            format!(
                "the Kafka cluster at {} cannot be reached: {e}",
                app.config.bootstrap
            )
        }),
        Ok(Err(e)) => Err(format!("the reachability probe failed: {e}")),
        Err(_) => Err(format!(
            "the Kafka cluster at {} did not answer in time",
            app.config.bootstrap
        )),
    }
}

/// A stalled Kafka call is 502 if the cluster is unreachable, else 504.
async fn stalled(app: &Shared, s: Stalled) -> ApiError {
    match probe(app).await {
        Err(why) => ApiError::BadGateway(format!("{why} ({})", s.0)),
        Ok(()) => ApiError::Timeout(format!("a Kafka call timed out: {}", s.0)),
    }
}

fn limits(app: &Shared) -> Limits {
    Limits {
        kafka_timeout: app.config.kafka_timeout,
        poll_wait: app.config.poll_wait,
        max_advance_ms: app.config.max_advance_ms,
        time_scale: app.config.time_scale,
    }
}

fn new_prefix() -> Result<(String, String), ApiError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness for a session id: {e}")))?;
    let id = hex(&bytes);
    Ok((id.clone(), format!("{PREFIX_ROOT}{id}-")))
}

/// Validates the scenario (with the request's `"client"` taken off it), creates its topics and clients on the
/// chosen client — by default the one of the scenario's flavor —, and registers the session.
pub async fn create_session(
    app: &Shared,
    body: &Value,
) -> Result<(Arc<Session>, Scenario), ApiError> {
    let (chosen, value) = take_client(body)?;
    let scenario = scenario_from_value(&value)?;
    check_declared_topics(&scenario.setup)?;
    let kind = chosen.unwrap_or_else(|| ClientKind::of_flavor(scenario.setup.flavor));
    let driver = app
        .config
        .drivers
        .locate(kind)
        .map_err(ApiError::Unavailable)?;
    let per_client = if driver.is_some() {
        fd_budget::PER_DRIVER_CLIENT
    } else {
        fd_budget::PER_LIBRDKAFKA_CLIENT
    };
    let setup = &scenario.setup;
    let descriptors = app
        .descriptors
        .claim((setup.producers.len() + setup.consumers.len()) * per_client)
        .map_err(ApiError::Unavailable)?;
    let (id, prefix) = new_prefix()?;
    // Noted before anything exists, so a proxy killed from here on leaves nothing the next one cannot find.
    let (topics, groups) = Session::real_names(&prefix, setup);
    app.leftovers.created(&prefix, &topics, &groups);
    let placed = app
        .config
        .brokers_dir
        .as_ref()
        .map(|_| scenario.setup.brokers);
    let created = create_topics(
        &app.admin,
        &prefix,
        &scenario.setup.topics,
        placed,
        app.config.kafka_timeout,
    )
    .await;
    if let Err(e) = created {
        app.leftovers.ended(&prefix, app.config.kafka_timeout).await;
        return Err(e);
    }
    let bootstrap = app.config.bootstrap.clone();
    let (p, sc, app2) = (prefix.clone(), scenario.clone(), app.clone());
    let scale = app.config.time_scale;
    let clients = tokio::task::spawn_blocking(move || {
        let topics: Vec<(String, u32)> = sc
            .setup
            .topics
            .iter()
            .map(|t| (format!("{p}{}", t.name), t.partitions))
            .collect();
        wait_ready(&app2.admin, &topics, app2.config.kafka_timeout)?;
        match driver {
            None => Ok(SessionClients::librdkafka(&bootstrap, &p, &sc, scale)),
            Some(command) => {
                let launcher = Launcher {
                    command,
                    bootstrap,
                    prefix: p,
                    timeout: app2.config.kafka_timeout,
                };
                SessionClients::drivers(launcher, &sc, scale).map_err(ApiError::Internal)
            }
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("creating the session's clients failed: {e}")))?;
    let clients = match clients {
        Ok(s) => s,
        Err(e) => {
            app.leftovers.ended(&prefix, app.config.kafka_timeout).await;
            return Err(e);
        }
    };
    let session = Arc::new(Session::new(id, prefix, clients, descriptors));
    app.sessions.insert(session.clone());
    tracing::info!(
        "session {} created with prefix {}",
        session.id,
        session.prefix
    );
    Ok((session, scenario))
}

/// Reads one step against the session's set-up with the model's reader; errors name the session's step index.
fn parse_step(
    s: &SessionClients,
    step: &Value,
    index: usize,
) -> Result<(Action, Vec<String>), ApiError> {
    let mut texts = Texts::default();
    let action = kafka_model::scenario::parse_step(&s.setup, &mut texts, index, step)?;
    Ok((action, texts.into_list()))
}

/// The session's clients, once no earlier step holds them; a step still waiting for Kafka answers 504.
async fn claim(
    app: &Shared,
    session: &Session,
) -> Result<OwnedMutexGuard<SessionClients>, ApiError> {
    tokio::time::timeout(
        app.config.kafka_timeout + app.config.poll_wait,
        session.clients.clone().lock_owned(),
    )
    .await
    .map_err(|_| {
        ApiError::Timeout(
            "the session is still busy with an earlier step that waits for Kafka".to_owned(),
        )
    })
}

/// Runs one step on the session's clients.
pub async fn run_step(
    app: &Shared,
    session: &Session,
    step: Value,
) -> Result<StepOutput, ApiError> {
    let limits = limits(app);
    let guard = claim(app, session).await?;
    let index = guard.steps_run;
    check_step_topics(&step, &guard.setup, index)?;
    let (action, texts) = parse_step(&guard, &step, index)?;
    let ending = ending_transaction(&guard, &action);
    let prefix = guard.prefix.clone();
    if let (Some(dir), Action::BrokerCrash { broker } | Action::BrokerRestart { broker }) =
        (&app.config.brokers_dir, &action)
    {
        let mut guard = guard;
        let brokers = Brokers {
            script: app.config.drivers.tools.join("kafka/broker"),
            dir,
            bootstrap: &app.config.bootstrap,
            prefix: &prefix,
            topics: guard.observed_topics(),
        };
        let outcome = match action {
            Action::BrokerCrash { .. } => brokers.crash(*broker, limits.kafka_timeout).await,
            _ => brokers.restart(*broker, limits.kafka_timeout).await,
        };
        guard.steps_run += 1;
        session.touch();
        return Ok(StepOutput {
            index,
            actor: None,
            op: action.op(),
            ok: outcome.error.is_none(),
            error: outcome.error,
            events: outcome.events,
            changes: Vec::new(),
        });
    }
    let budget = match action {
        Action::ClockAdvance { ms } => Duration::from_millis(limits.advance_wait(ms)),
        _ => Duration::ZERO,
    } + limits.kafka_timeout * 2
        + limits.poll_wait
        + Duration::from_secs(2);
    let task = tokio::task::spawn_blocking(move || {
        let mut s = guard;
        let result = run_action(&mut s, &action, &texts, &limits);
        s.steps_run += 1;
        let notes = if index == 0 {
            std::mem::take(&mut s.notes)
        } else {
            Vec::new()
        };
        let names = Names {
            setup: &s.setup,
            texts: &texts,
        };
        let actor = actor_name(&names, &action);
        (result, notes, actor, action.op())
    });
    let (result, notes, actor, op) = match tokio::time::timeout(budget, task).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return Err(ApiError::Internal(format!("the step's task failed: {e}"))),
        Err(_) => {
            return Err(stalled(
                app,
                Stalled(format!(
                    "step {index} did not finish within {} ms",
                    budget.as_millis()
                )),
            )
            .await)
        }
    };
    session.touch();
    let outcome = match result {
        Ok(o) => o,
        Err(s) => return Err(stalled(app, s).await),
    };
    if let (Some(id), None) = (ending, &outcome.error) {
        markers_written(&app.config.bootstrap, &prefix, id, limits.kafka_timeout).await;
    }
    let mut events = notes;
    events.extend(outcome.events);
    Ok(StepOutput {
        index,
        actor,
        op,
        ok: outcome.error.is_none(),
        error: outcome.error,
        events,
        changes: Vec::new(),
    })
}

/// The real state of the session's topics, groups and clients.
pub async fn real_state(app: &Shared, session: &Session) -> Result<RealState, ApiError> {
    let timeout = app.config.kafka_timeout;
    let guard = claim(app, session).await?;
    let (known, database, guard) = tokio::task::spawn_blocking(move || {
        let mut guard = guard;
        let k = known(&mut guard);
        let db = guard.database.clone();
        (k, db, guard)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("reading the clients failed: {e}")))?;
    // Observe while still holding the lock, so no step changes the cluster half-way through.
    let seen = tokio::time::timeout(
        timeout + Duration::from_secs(1),
        observe(&app.config.bootstrap, &known.target, timeout),
    )
    .await;
    drop(guard);
    let seen = match seen {
        Ok(Ok(seen)) => seen,
        Ok(Err(e @ ObserveError::Unreachable { .. })) => {
            return Err(ApiError::BadGateway(format!(
                "reading the real state failed: {e}"
            )))
        }
        Ok(Err(e @ ObserveError::Timeout { .. })) => {
            return Err(stalled(app, Stalled(e.to_string())).await)
        }
        Ok(Err(e)) => {
            return Err(ApiError::BadGateway(format!(
                "reading the real state failed: {e}"
            )))
        }
        Err(_) => {
            return Err(stalled(
                app,
                Stalled("reading the real state took too long".to_owned()),
            )
            .await)
        }
    };
    let (final_state, unknown) = compose(known, seen);
    Ok(RealState {
        final_state,
        unknown,
        database,
    })
}

/// Closes the session's clients and deletes its topics and groups.
pub async fn end_session(app: &Shared, session: &Session) {
    let clients = session.clients.clone();
    let closing = tokio::task::spawn_blocking(move || {
        let mut s = clients.blocking_lock();
        s.shutdown();
    });
    // Closing consumers needs the cluster; do not wait forever for it.
    let _ = tokio::time::timeout(app.config.kafka_timeout, closing).await;
    app.leftovers
        .ended(&session.prefix, app.config.kafka_timeout)
        .await;
    tracing::info!("session {} ended", session.id);
}

/// Raised when the request waiting for a run is dropped (its client went away).
struct ClientGone(Arc<std::sync::atomic::AtomicBool>);

impl Drop for ClientGone {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A whole scenario in a fresh session, deleted afterwards; with the client it ran on. The run goes on in a
/// task of its own, which stops at the next step once the run has taken `run_limit` or its client has gone,
/// and ends the session whatever happens.
pub async fn run_whole(app: &Shared, value: &Value) -> Result<(RealRun, ClientInfo), ApiError> {
    let (session, _) = create_session(app, value).await?;
    let gone = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _guard = ClientGone(gone.clone());
    let (app2, session2, value2) = (app.clone(), session.clone(), value.clone());
    let task = tokio::spawn(async move {
        let result = run_all(&app2, &session2, &value2, &gone).await;
        if let Some(s) = app2.sessions.remove(&session2.id) {
            end_session(&app2, &s).await;
        }
        result
    });
    let result = task
        .await
        .map_err(|e| ApiError::Internal(format!("the run failed: {e}")))?;
    result.map(|run| (run, session.client.clone()))
}

async fn run_all(
    app: &Shared,
    session: &Session,
    value: &Value,
    gone: &std::sync::atomic::AtomicBool,
) -> Result<RealRun, ApiError> {
    let steps = value
        .get("steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let deadline = std::time::Instant::now() + app.config.run_limit;
    let mut outputs = Vec::with_capacity(steps.len());
    let total = steps.len();
    for step in steps {
        if gone.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(ApiError::BadRequest("the client went away".to_owned()));
        }
        if std::time::Instant::now() > deadline {
            return Err(ApiError::Timeout(format!(
                "the run took longer than {} s, the proxy's limit for one /v1/run: {} of {total} steps ran",
                app.config.run_limit.as_secs(),
                outputs.len()
            )));
        }
        outputs.push(run_step(app, session, step).await?);
    }
    let real = real_state(app, session).await?;
    Ok(RealRun {
        steps: outputs,
        final_state: real.final_state,
        unknown: real.unknown,
        database: real.database,
    })
}
