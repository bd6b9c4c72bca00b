//! `crash_broker` and `restart_broker` on a cluster `tools/kafka/broker start DIR N` runs: the node's process is
//! killed without warning (kill -9) or started again on its data, and the step ends once the cluster's metadata
//! shows what the controller did about it — in the model that reaction is part of the step.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kafka_model::output::PartitionOut;

use crate::observe::{observe, Target};
use crate::step_outcome::StepOutcome;

/// Where the cluster runs, and the session's topics to watch.
pub struct Brokers<'a> {
    pub script: PathBuf,
    pub dir: &'a Path,
    pub bootstrap: &'a str,
    pub prefix: &'a str,
    pub topics: Vec<(String, u32)>,
}

impl Brokers<'_> {
    /// Kills `broker` and waits until no partition is led by it or counts it in sync.
    pub async fn crash(&self, broker: u16, limit: Duration) -> StepOutcome {
        if let Err(why) = self.script("crash", broker).await {
            return StepOutcome::failed("Unsupported", vec![why]);
        }
        let mut events = vec![format!(
            "broker {broker}'s process was killed without warning"
        )];
        events.extend(
            self.settled(limit, |p| {
                p.leader != Some(broker) && !p.isr.contains(&broker)
            })
            .await,
        );
        StepOutcome::ok(events)
    }

    /// Starts `broker` again and waits until every partition it holds a replica of counts it in sync.
    pub async fn restart(&self, broker: u16, limit: Duration) -> StepOutcome {
        if let Err(why) = self.script("restart", broker).await {
            return StepOutcome::failed("Unsupported", vec![why]);
        }
        let mut events = vec![format!("broker {broker} started again on its data")];
        events.extend(
            self.settled(limit, |p| {
                !p.replicas.contains(&broker) || p.isr.contains(&broker)
            })
            .await,
        );
        StepOutcome::ok(events)
    }

    async fn script(&self, verb: &str, broker: u16) -> Result<(), String> {
        let (script, dir) = (self.script.clone(), self.dir.to_owned());
        let arg = verb.to_owned();
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new(&script)
                .arg(&arg)
                .arg(&dir)
                .arg(broker.to_string())
                .output()
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("{}: {e}", self.script.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{} could not {verb} broker {broker}: {}",
                self.script.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// Watches the session's partitions until `done` holds of each, for at most `limit`; says what it saw.
    async fn settled(&self, limit: Duration, done: impl Fn(&PartitionOut) -> bool) -> Vec<String> {
        let target = Target {
            prefix: self.prefix.to_owned(),
            topics: self.topics.clone(),
            groups: Vec::new(),
            transactional_ids: Vec::new(),
        };
        let start = Instant::now();
        loop {
            let seen = observe(self.bootstrap, &target, limit).await;
            if let Ok(seen) = &seen {
                if seen.partitions.iter().all(&done) || start.elapsed() > limit {
                    let mut events: Vec<String> = seen.partitions.iter().map(describe).collect();
                    if start.elapsed() > limit {
                        events.push(format!(
                            "the cluster had not settled after {} ms",
                            limit.as_millis()
                        ));
                    }
                    return events;
                }
            } else if start.elapsed() > limit {
                return vec![format!(
                    "the cluster's metadata could not be read within {} ms",
                    limit.as_millis()
                )];
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn describe(p: &PartitionOut) -> String {
    let leader = p
        .leader
        .map_or("no leader".to_owned(), |l| format!("led by broker {l}"));
    format!("{}-{}: {leader}, in sync {:?}", p.topic, p.partition, p.isr)
}
