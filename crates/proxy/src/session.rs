//! A learner's session — its id, prefix, real names and clients — and the registry of live sessions: created
//! with their topics, looked up by id, removed on DELETE or after idling.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Mutex as AsyncMutex;

use crate::client_kind::ClientInfo;
use crate::session_clients::SessionClients;

pub struct Session {
    pub id: String,
    pub prefix: String,
    /// Real topic and group names, for deleting them at the end.
    pub real_topics: Vec<String>,
    pub real_groups: Vec<String>,
    /// The client library the session runs on.
    pub client: ClientInfo,
    /// The clients; one step at a time holds this lock (inside a blocking task).
    pub clients: Arc<AsyncMutex<SessionClients>>,
    last_used: Mutex<Instant>,
}

impl Session {
    pub fn new(id: String, prefix: String, clients: SessionClients) -> Self {
        let real_topics = clients
            .setup
            .topics
            .iter()
            .map(|t| format!("{prefix}{}", t.name))
            .collect();
        let real_groups = clients
            .setup
            .groups
            .iter()
            .map(|g| format!("{prefix}{g}"))
            .collect();
        Session {
            id,
            prefix,
            real_topics,
            real_groups,
            client: clients.client.clone(),
            clients: Arc::new(AsyncMutex::new(clients)),
            last_used: Mutex::new(Instant::now()),
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
