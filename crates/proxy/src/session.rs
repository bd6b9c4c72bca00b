//! A learner's session — its id, prefix, clients and the descriptors they hold — and the registry of live
//! sessions: created with their topics, looked up by id, removed on DELETE or after idling.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Mutex as AsyncMutex;

use kafka_model::scenario::Setup;

use crate::client_kind::ClientInfo;
use crate::fd_budget::FdClaim;
use crate::session_clients::SessionClients;

pub struct Session {
    pub id: String,
    pub prefix: String,
    /// The client library the session runs on.
    pub client: ClientInfo,
    /// The clients; one step at a time holds this lock (inside a blocking task).
    pub clients: Arc<AsyncMutex<SessionClients>>,
    last_used: Mutex<Instant>,
    /// The file descriptors its clients hold, given back when the session is gone.
    _descriptors: FdClaim,
}

impl Session {
    /// The real names of a set-up's topics and groups under `prefix`.
    pub fn real_names(prefix: &str, setup: &Setup) -> (Vec<String>, Vec<String>) {
        let topics = setup
            .topics
            .iter()
            .map(|t| format!("{prefix}{}", t.name))
            .collect();
        let groups = setup
            .groups
            .iter()
            .map(|g| format!("{prefix}{g}"))
            .collect();
        (topics, groups)
    }

    pub fn new(id: String, prefix: String, clients: SessionClients, descriptors: FdClaim) -> Self {
        Session {
            id,
            prefix,
            client: clients.client.clone(),
            clients: Arc::new(AsyncMutex::new(clients)),
            last_used: Mutex::new(Instant::now()),
            _descriptors: descriptors,
        }
    }

    pub fn touch(&self) {
        if let Ok(mut t) = self.last_used.lock() {
            *t = Instant::now();
        }
    }

    fn idle_for(&self) -> Duration {
        self.last_used
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or_default()
    }
}

#[derive(Default)]
pub struct Sessions(Mutex<HashMap<String, Arc<Session>>>);

impl Sessions {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        match self.0.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        }
    }

    pub fn insert(&self, s: Arc<Session>) {
        self.map().insert(s.id.clone(), s);
    }

    pub fn get(&self, id: &str) -> Option<Arc<Session>> {
        let s = self.map().get(id).cloned();
        if let Some(s) = &s {
            s.touch();
        }
        s
    }

    pub fn remove(&self, id: &str) -> Option<Arc<Session>> {
        self.map().remove(id)
    }

    /// Removes and returns the sessions unused for longer than `idle`.
    pub fn take_idle(&self, idle: Duration) -> Vec<Arc<Session>> {
        let mut map = self.map();
        let old: Vec<String> = map
            .values()
            .filter(|s| s.idle_for() > idle)
            .map(|s| s.id.clone())
            .collect();
        old.iter().filter_map(|id| map.remove(id)).collect()
    }

    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
