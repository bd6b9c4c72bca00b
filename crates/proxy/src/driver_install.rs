//! Where the client drivers are: the same paths their set-ups (`tools/clients/*/setup`, run by `./x test`)
//! write, found without running anything. The driver sources are in the checkout's `tools/` folder (the
//! proxy's `--tools`), the installed clients in the project's cache folder (`KAFKA_LAB_CACHE`, else
//! `$XDG_CACHE_HOME/kafka-delivery-lab`, else `~/.cache/kafka-delivery-lab`, as the set-ups compute it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::client_kind::ClientKind;

/// The folders the drivers are found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverPaths {
    /// The checkout's `tools/` folder (driver sources, version pins).
    pub tools: PathBuf,
    /// The project's cache folder, where the set-ups install the clients.
    pub cache: PathBuf,
}

/// How to start one driver, and the client version its set-up pinned.
#[derive(Debug, Clone)]
pub struct DriverCommand {
    /// The client library it runs ("kafka-python", "kafka-clients").
    pub library: &'static str,
    pub program: PathBuf,
    pub args: Vec<String>,
    pub version: String,
}

impl DriverCommand {
    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args);
        c
    }
}

/// JVM options for a driver that starts often and does little: a quick start matters more than peak speed.
const JVM_OPTIONS: &[&str] = &[
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Xss512k",
    "-Xmx256m",
    "-XX:-UsePerfData",
];

impl Default for DriverPaths {
    fn default() -> Self {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let cache = env("KAFKA_LAB_CACHE").unwrap_or_else(|| {
            env("XDG_CACHE_HOME")
                .or_else(|| env("HOME").map(|h| h.join(".cache")))
                .unwrap_or_else(|| PathBuf::from(".cache"))
                .join("kafka-delivery-lab")
        });
        DriverPaths {
            tools: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools"),
            cache,
        }
    }
}

/// The text between `start` and the next `end` in the file, e.g. a version pin.
fn pinned(file: &Path, start: &str, end: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    text.split(start)
        .nth(1)
        .and_then(|rest| rest.split(end).next())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| format!("{} names no version ({start}…)", file.display()))
}

impl DriverPaths {
    /// How to start the driver of `kind`, or why it cannot be started (naming the set-up that installs it).
    /// `None` for librdkafka, which runs inside the proxy.
    pub fn locate(&self, kind: ClientKind) -> Result<Option<DriverCommand>, String> {
        match kind {
            ClientKind::Librdkafka => Ok(None),
            ClientKind::KafkaPython => self.python().map(Some),
            ClientKind::Java => self.java().map(Some),
        }
    }

    fn python(&self) -> Result<DriverCommand, String> {
        let dir = self.tools.join("clients/python");
        let version = pinned(&dir.join("requirements.txt"), "kafka-python==", "\n")?;
        let python = self
            .cache
            .join(format!("kafka-python-{version}/bin/python"));
        if !python.exists() {
            return Err(format!(
                "the kafka-python client is not installed ({} is missing): run `tools/clients/python/setup` (or \
                 `./x test`, which sets up every client)",
                python.display()
            ));
        }
        Ok(DriverCommand {
            library: "kafka-python",
            program: python,
            args: vec![dir.join("driver.py").to_string_lossy().into_owned()],
            version,
        })
    }

    fn java(&self) -> Result<DriverCommand, String> {
        let version = pinned(
            &self.tools.join("kafka/pom.xml"),
            "<kafka.version>",
            "</kafka.version>",
        )?;
        let source = self.tools.join("clients/java/Driver.java");
        // The set-up compiles into a folder keyed by the source's hash, so an edited driver is compiled again.
        let hash = Command::new("sha256sum")
            .arg(&source)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.get(..12).map(str::to_owned))
            .ok_or_else(|| format!("cannot hash {} with sha256sum", source.display()))?;
        let classes = self.cache.join(format!("java-driver-{version}-{hash}"));
        let lib = self.cache.join(format!("kafka-{version}/lib"));
        if !classes.join("Driver.class").exists() || !lib.exists() {
            return Err(format!(
                "the Java client driver is not compiled for this Driver.java ({} is missing): run \
                 `tools/clients/java/setup` (or `./x test`, which sets up every client)",
                classes.join("Driver.class").display()
            ));
        }
        let java = std::env::var_os("JAVA_HOME")
            .map(|h| PathBuf::from(h).join("bin/java"))
            .filter(|j| j.exists())
            .unwrap_or_else(|| PathBuf::from("java"));
        let mut args: Vec<String> = JVM_OPTIONS.iter().map(|s| (*s).to_owned()).collect();
        args.extend([
            "-cp".to_owned(),
            format!("{}:{}/*", classes.display(), lib.display()),
            "Driver".to_owned(),
        ]);
        Ok(DriverCommand {
            library: "kafka-clients",
            program: java,
            args,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_client_names_the_set_up_that_installs_it() {
        let paths = DriverPaths {
            cache: PathBuf::from("/nonexistent-cache"),
            ..DriverPaths::default()
        };
        let python = paths.locate(ClientKind::KafkaPython).unwrap_err();
        assert!(python.contains("tools/clients/python/setup"), "{python}");
        let java = paths.locate(ClientKind::Java).unwrap_err();
        assert!(java.contains("tools/clients/java/setup"), "{java}");
        assert!(paths.locate(ClientKind::Librdkafka).unwrap().is_none());
    }
}
