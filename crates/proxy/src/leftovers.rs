//! What the proxy has put on the cluster and not yet removed: each session's topics and groups. A session's
//! names are noted when it is created; when it ends they are deleted, and what cannot be deleted yet (the
//! cluster is down, a group still has members) is tried again until it can. The names are also kept in a file
//! per proxy process, so a proxy that was killed has its leftovers deleted by the next one that starts on the
//! same cluster (on Linux, where a dead process can be told from a live one by `/proc`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::observe::delete::{delete, Remaining};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Names {
    topics: Vec<String>,
    groups: Vec<String>,
    /// The session is over: its names are to be deleted.
    ended: bool,
}

/// One proxy process's file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    pid: u32,
    bootstrap: String,
    /// Session prefix → its names.
    sessions: BTreeMap<String, Names>,
}

pub struct Leftovers {
    bootstrap: String,
    file: Option<PathBuf>,
    sessions: Mutex<BTreeMap<String, Names>>,
}

const FILE_PREFIX: &str = "kafka-proxy-";

impl Leftovers {
    /// Kept in `dir` when given, and with what proxies killed earlier left on this cluster taken over.
    pub fn new(bootstrap: &str, dir: Option<&Path>) -> Self {
        let file = dir.map(|d| d.join(format!("{FILE_PREFIX}{}.json", std::process::id())));
        let leftovers = Leftovers {
            bootstrap: bootstrap.to_owned(),
            file,
            sessions: Mutex::new(BTreeMap::new()),
        };
        if let Some(dir) = dir {
            leftovers.adopt_orphans(dir);
        }
        leftovers
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Names>> {
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A session was created with these real names.
    pub fn created(&self, prefix: &str, topics: &[String], groups: &[String]) {
        let names = Names {
            topics: topics.to_vec(),
            groups: groups.to_vec(),
            ended: false,
        };
        self.lock().insert(prefix.to_owned(), names);
        self.write();
    }

    /// Names of ended sessions still to delete.
    pub fn pending(&self) -> usize {
        self.lock().values().filter(|n| n.ended).count()
    }

    /// The session ended: its names are deleted now, and retried later if that fails.
    pub async fn ended(&self, prefix: &str, timeout: Duration) {
        if let Some(names) = self.lock().get_mut(prefix) {
            names.ended = true;
        }
        self.clean(Some(prefix), timeout).await;
    }

    /// Tries to delete the names of every ended session (or only `only`'s).
    pub async fn clean(&self, only: Option<&str>, timeout: Duration) {
        let due: Vec<(String, Names)> = self
            .lock()
            .iter()
            .filter(|(prefix, n)| n.ended && only.is_none_or(|o| o == prefix.as_str()))
            .map(|(p, n)| (p.clone(), n.clone()))
            .collect();
        for (prefix, names) in due {
            let Remaining {
                topics,
                groups,
                why,
            } = delete(&self.bootstrap, &names.topics, &names.groups, timeout).await;
            let mut sessions = self.lock();
            if topics.is_empty() && groups.is_empty() {
                sessions.remove(&prefix);
                tracing::info!("deleted what session {prefix} left on the cluster");
            } else {
                tracing::warn!(
                    "session {prefix}: {topics:?} {groups:?} are not deleted yet, will retry: {}",
                    why.unwrap_or_default()
                );
                sessions.insert(
                    prefix,
                    Names {
                        topics,
                        groups,
                        ended: true,
                    },
                );
            }
        }
        self.write();
    }

    fn write(&self) {
        let Some(file) = &self.file else { return };
        let journal = Journal {
            pid: std::process::id(),
            bootstrap: self.bootstrap.clone(),
            sessions: self.lock().clone(),
        };
        let result = if journal.sessions.is_empty() {
            std::fs::remove_file(file).or_else(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Ok(()),
                _ => Err(e),
            })
        } else {
            serde_json::to_vec_pretty(&journal)
                .map_err(std::io::Error::other)
                .and_then(|bytes| write_atomically(file, &bytes))
        };
        if let Err(e) = result {
            tracing::warn!(
                "cannot keep the list of session names in {}: {e}",
                file.display()
            );
        }
    }

    /// Takes over the files of proxies on this cluster whose process is gone: their sessions, as ended.
    fn adopt_orphans(&self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(pid) = file_pid(&path) else { continue };
            if pid == std::process::id() || !is_dead(pid) {
                continue;
            }
            // Renaming claims the file: of two proxies starting at once, one gets it.
            let claimed = dir.join(format!(
                ".{FILE_PREFIX}{pid}.adopted-by-{}",
                std::process::id()
            ));
            if std::fs::rename(&path, &claimed).is_err() {
                continue;
            }
            let journal: Option<Journal> = std::fs::read(&claimed)
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok());
            match journal {
                Some(j) if j.bootstrap == self.bootstrap => {
                    let mut sessions = self.lock();
                    for (prefix, mut names) in j.sessions {
                        names.ended = true;
                        tracing::info!("taking over what session {prefix} of a stopped proxy left");
                        sessions.insert(prefix, names);
                    }
                    drop(sessions);
                    let _ = std::fs::remove_file(&claimed);
                }
                // Another cluster's, or unreadable: put back for whoever it belongs to.
                _ => {
                    let _ = std::fs::rename(&claimed, &path);
                }
            }
        }
        self.write();
    }
}

fn file_pid(path: &Path) -> Option<u32> {
    path.file_name()?
        .to_str()?
        .strip_prefix(FILE_PREFIX)?
        .strip_suffix(".json")?
        .parse()
        .ok()
}

/// Only where `/proc` lists processes can a process be known to be gone; elsewhere none is.
fn is_dead(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_proxys_file_on_the_same_cluster_is_taken_over_and_others_are_left() {
        let dir = std::env::temp_dir().join(format!("kdl-leftovers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let journal = |bootstrap: &str| Journal {
            pid: u32::MAX,
            bootstrap: bootstrap.to_owned(),
            sessions: BTreeMap::from([(
                "kdl-0000-".to_owned(),
                Names {
                    topics: vec!["kdl-0000-orders".into()],
                    groups: vec![],
                    ended: false,
                },
            )]),
        };
        let dead = dir.join(format!("{FILE_PREFIX}{}.json", u32::MAX));
        let other_cluster = dir.join(format!("{FILE_PREFIX}{}.json", u32::MAX - 1));
        let live = dir.join(format!("{FILE_PREFIX}1.json"));
        std::fs::write(&dead, serde_json::to_vec(&journal("here:9092")).unwrap()).unwrap();
        std::fs::write(
            &other_cluster,
            serde_json::to_vec(&journal("there:9092")).unwrap(),
        )
        .unwrap();
        std::fs::write(&live, serde_json::to_vec(&journal("here:9092")).unwrap()).unwrap();

        let leftovers = Leftovers::new("here:9092", Some(&dir));
        assert_eq!(leftovers.pending(), 1);
        assert!(!dead.exists());
        assert!(other_cluster.exists(), "another cluster's file stays");
        assert!(live.exists(), "a live process's file stays");
        let own = dir.join(format!("{FILE_PREFIX}{}.json", std::process::id()));
        let kept: Journal = serde_json::from_slice(&std::fs::read(&own).unwrap()).unwrap();
        assert_eq!(kept.sessions["kdl-0000-"].topics, ["kdl-0000-orders"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
