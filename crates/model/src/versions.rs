//! The releases whose behaviour the course shows. The set-up installs exactly these (`tools/kafka/pom.xml`,
//! `tools/clients/python/requirements.txt`; a test keeps them equal), and the lessons name them.

use crate::config::Flavor;

/// Apache Kafka, the broker.
pub const KAFKA: &str = "4.4.0";
/// kafka-python, from PyPI.
pub const KAFKA_PYTHON: &str = "3.0.12";
/// The Java client, `org.apache.kafka:kafka-clients`, released with the broker.
pub const KAFKA_CLIENTS: &str = KAFKA;

/// The client a flavor's code runs on, with its version: ("kafka-python", "3.0.12").
pub fn client(flavor: Flavor) -> (&'static str, &'static str) {
    match flavor {
        Flavor::KafkaPython => ("kafka-python", KAFKA_PYTHON),
        Flavor::Java => ("kafka-clients", KAFKA_CLIENTS),
    }
}

/// "kafka-python 3.0.12 on Apache Kafka 4.4.0"
pub fn shown(flavor: Flavor) -> String {
    let (name, version) = client(flavor);
    format!("{name} {version} on Apache Kafka {KAFKA}")
}
