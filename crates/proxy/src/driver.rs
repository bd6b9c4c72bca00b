//! One client driver (tools/clients/…) as a child process: JSON lines in on stdin, one JSON line answered on
//! stdout per op (the protocol is in the docstring of tools/clients/python/driver.py). The proxy runs one
//! process per client instance, so `kill` is a real crash of that client: SIGKILL, no LeaveGroup, no flush,
//! no EndTxn.
//!
//! An answer that does not come within the call's timeout leaves the process busy: the answer is still owed,
//! and the next call first waits for it (and throws it away) before it writes its own op.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

/// How many of the driver's last stderr lines an error quotes.
const STDERR_LINES: usize = 12;

/// Why a call got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DriverError {
    /// The process is gone (it died, or was never started); with the end of its stderr.
    #[error("the client driver exited: {0}")]
    Exited(String),
    /// No answer within the timeout; the op may still be running in the driver.
    #[error("the client driver did not answer {op} within {ms} ms")]
    TimedOut { op: String, ms: u128 },
    /// An earlier op's answer still has not come.
    #[error("the client driver is still busy with an earlier op that did not answer in time")]
    Busy,
    /// A line that is not JSON.
    #[error("the client driver answered something that is not JSON: {0}")]
    Garbled(String),
}

/// The first answer: which client the driver runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    pub client: String,
    pub version: String,
}

pub struct DriverProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    /// Answers of ops that timed out, still to come.
    owed: usize,
}

impl DriverProcess {
    /// Starts `command` with piped stdin/stdout; its stderr is kept for error messages. The process is not
    /// spoken to yet: several can start at once, and each says hello afterwards.
    pub fn spawn(mut command: Command) -> std::io::Result<DriverProcess> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take();
        let (tx, lines) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(err) = child.stderr.take() {
            let kept = stderr.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut k) = kept.lock() {
                        if k.len() == STDERR_LINES {
                            k.pop_front();
                        }
                        k.push_back(line);
                    }
                }
            });
        }
        Ok(DriverProcess {
            child,
            stdin,
            lines,
            stderr,
            owed: 0,
        })
    }

    /// The first line: the cluster and the session's name prefix; answered with the client and its version.
    pub fn hello(
        &mut self,
        bootstrap: &str,
        prefix: &str,
        timeout: Duration,
    ) -> Result<Hello, DriverError> {
        let answer = self.call(&json!({"bootstrap": bootstrap, "prefix": prefix}), timeout)?;
        let text = |k: &str| answer[k].as_str().unwrap_or_default().to_owned();
        Ok(Hello {
            client: text("client"),
            version: text("version"),
        })
    }

    /// Writes one op and waits up to `timeout` for its answer.
    pub fn call(&mut self, op: &Value, timeout: Duration) -> Result<Value, DriverError> {
        let name = op["op"].as_str().unwrap_or("its first line").to_owned();
        self.call_line(&op.to_string(), &name, timeout)
    }

    /// Writes one line (`name` says what it is, for a timeout's message) and waits up to `timeout` for the
    /// answer.
    pub fn call_line(
        &mut self,
        line: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<Value, DriverError> {
        while self.owed > 0 {
            match self.lines.recv_timeout(timeout) {
                Ok(_) => self.owed -= 1,
                Err(RecvTimeoutError::Timeout) => return Err(DriverError::Busy),
                Err(RecvTimeoutError::Disconnected) => return Err(self.exited()),
            }
        }
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.exited());
        };
        if writeln!(stdin, "{line}")
            .and_then(|_| stdin.flush())
            .is_err()
        {
            return Err(self.exited());
        }
        match self.lines.recv_timeout(timeout) {
            Ok(line) => serde_json::from_str(&line).map_err(|_| DriverError::Garbled(line)),
            Err(RecvTimeoutError::Timeout) => {
                self.owed += 1;
                Err(DriverError::TimedOut {
                    op: name.to_owned(),
                    ms: timeout.as_millis(),
                })
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.exited()),
        }
    }

    /// The process's end, with the last lines it wrote on stderr.
    fn exited(&mut self) -> DriverError {
        let status = match self.child.try_wait() {
            Ok(Some(s)) => s.to_string(),
            _ => "its output closed".to_owned(),
        };
        let tail: Vec<String> = self
            .stderr
            .lock()
            .map(|k| k.iter().cloned().collect())
            .unwrap_or_default();
        if tail.is_empty() {
            DriverError::Exited(status)
        } else {
            DriverError::Exited(format!("{status}; it wrote: {}", tail.join(" / ")))
        }
    }

    /// SIGKILL: the client vanishes as a killed process does.
    pub fn kill(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
