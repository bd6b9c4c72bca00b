//! A deterministic model of Kafka's delivery semantics (being built).
