//! One scenario client instance on its own driver process: started with the op that creates it, spoken to op
//! by op, killed on a crash and started again with the same op on a restart. What the driver answers becomes
//! the step's outcome; a driver that does not answer in time is a stalled Kafka call (504), as with librdkafka.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::driver::{DriverError, DriverProcess, Hello};
use crate::driver_install::DriverCommand;
use crate::step_outcome::{OpResult, Stalled, StepOutcome};

/// What every driver process of a session is started with.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub command: DriverCommand,
    pub bootstrap: String,
    pub prefix: String,
    /// The bound on starting a driver and on each op but `poll`.
    pub timeout: Duration,
}

/// Why an op got no answer to read: an outcome to report as it is, or a stall.
#[derive(Debug)]
pub enum NoAnswer {
    Outcome(StepOutcome),
    Stalled(Stalled),
}

impl NoAnswer {
    pub fn into_result(self) -> OpResult {
        match self {
            NoAnswer::Outcome(o) => Ok(o),
            NoAnswer::Stalled(s) => Err(s),
        }
    }
}

pub struct DriverClient {
    pub id: String,
    /// The op that creates the client in a fresh driver (`{"op": "producer", "id", "config"}`).
    create: Value,
    launcher: Arc<Launcher>,
    process: Option<DriverProcess>,
    /// The client's refusal of its configuration (the creating op's error and detail), if it refused.
    creation_error: Option<(String, String)>,
    /// The client library, as the driver's hello named it.
    library: String,
}

impl DriverClient {
    /// Starts the driver process; `open` then greets it and creates the client. Apart, so that a session's
    /// processes all start before the first is waited for.
    pub fn spawn(id: &str, create: Value, launcher: Arc<Launcher>) -> Result<DriverClient, String> {
        let process = DriverProcess::spawn(launcher.command.command()).map_err(|e| {
            format!(
                "cannot start the client driver {}: {e}",
                launcher.command.program.display()
            )
        })?;
        Ok(DriverClient {
            id: id.to_owned(),
            create,
            launcher,
            process: Some(process),
            creation_error: None,
            library: String::new(),
        })
    }

    /// Greets the started driver and creates the client in it. A client that refuses its configuration is
    /// still opened: its refusal is every later op's answer. `Err` when the driver itself fails.
    pub fn open(&mut self) -> Result<Hello, String> {
        let l = self.launcher.clone();
        let Some(p) = self.process.as_mut() else {
            return Err(format!("{}'s driver is not running", self.id));
        };
        let hello = p
            .hello(&l.bootstrap, &l.prefix, l.timeout)
            .map_err(|e| format!("{}'s client driver did not start: {e}", self.id))?;
        self.library = hello.client.clone();
        let answer = p
            .call(&self.create, l.timeout)
            .map_err(|e| format!("{}'s client driver failed creating it: {e}", self.id))?;
        self.creation_error = (answer["ok"] != true).then(|| {
            (
                text(&answer, "error"),
                answer["detail"].as_str().unwrap_or_default().to_owned(),
            )
        });
        Ok(hello)
    }

    pub fn is_running(&self) -> bool {
        self.process.is_some()
    }

    /// Whether the client refused its configuration.
    pub fn refused(&self) -> bool {
        self.creation_error.is_some()
    }

    /// SIGKILL: nothing the client holds survives, nothing is sent on its behalf.
    pub fn kill(&mut self) {
        if let Some(mut p) = self.process.take() {
            p.kill();
        }
    }

    /// A new process with the same configuration; the old one is killed first if it still runs.
    pub fn restart(&mut self) -> Result<(), String> {
        self.kill();
        let fresh = DriverClient::spawn(&self.id, self.create.clone(), self.launcher.clone())?;
        self.process = fresh.process;
        self.creation_error = None;
        self.open().map(|_| ())
    }

    /// The scenario name of a topic the session knows by its real name.
    pub fn local<'a>(&self, topic: &'a str) -> &'a str {
        topic.strip_prefix(&self.launcher.prefix).unwrap_or(topic)
    }

    /// Runs one op for this client, waiting up to `timeout` (the launcher's when `None`); the answer, whether
    /// it is `ok` or names the client's error.
    pub fn call(&mut self, op: Value, timeout: Option<Duration>) -> Result<Value, NoAnswer> {
        if let Some((error, detail)) = &self.creation_error {
            return Err(NoAnswer::Outcome(StepOutcome::failed(
                error.clone(),
                vec![format!(
                    "{} refused {}'s configuration: {detail}",
                    self.library, self.id
                )],
            )));
        }
        let timeout = timeout.unwrap_or(self.launcher.timeout);
        let Some(p) = self.process.as_mut() else {
            return Err(NoAnswer::Outcome(StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running; restart it first", self.id)],
            )));
        };
        match p.call(&op, timeout) {
            Ok(answer) => Ok(answer),
            Err(e @ (DriverError::TimedOut { .. } | DriverError::Busy)) => {
                Err(NoAnswer::Stalled(Stalled(format!("{}: {e}", self.id))))
            }
            Err(e) => {
                // The driver died under the client: as good as a crash, and said so.
                self.kill();
                Err(NoAnswer::Outcome(StepOutcome::failed(
                    "DriverExited",
                    vec![format!("{}: {e}", self.id)],
                )))
            }
        }
    }
}

/// A text field of an answer, empty when absent.
pub fn text(answer: &Value, key: &str) -> String {
    answer[key].as_str().unwrap_or_default().to_owned()
}

/// A failed answer as the step's outcome: the error's name, and what the client said.
pub fn refusal(answer: &Value, doing: &str) -> StepOutcome {
    StepOutcome::failed(
        text(answer, "error"),
        vec![format!("{doing} failed: {}", text(answer, "detail"))],
    )
}
