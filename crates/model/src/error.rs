//! Errors a step can end with. Names are Kafka's error/exception names without the suffix.

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum StepError {
    #[error("ProducerFenced")]
    ProducerFenced,
    #[error("InvalidProducerEpoch")]
    InvalidProducerEpoch,
    #[error("OutOfOrderSequence")]
    OutOfOrderSequence,
    #[error("InvalidTxnState")]
    InvalidTxnState,
    #[error("IllegalState")]
    IllegalState,
    #[error("NoOffsetForPartition")]
    NoOffsetForPartition,
    #[error("NotEnoughReplicas")]
    NotEnoughReplicas,
    #[error("ConfigException")]
    ConfigException,
    #[error("RequestTimedOut")]
    RequestTimedOut,
    #[error("LeaderNotAvailable")]
    LeaderNotAvailable,
    /// The op is part of the format but the model does not simulate it yet (transactions, brokers).
    #[error("NotModelled")]
    NotModelled,
}

impl StepError {
    pub fn name(self) -> &'static str {
        match self {
            StepError::ProducerFenced => "ProducerFenced",
            StepError::InvalidProducerEpoch => "InvalidProducerEpoch",
            StepError::OutOfOrderSequence => "OutOfOrderSequence",
            StepError::InvalidTxnState => "InvalidTxnState",
            StepError::IllegalState => "IllegalState",
            StepError::NoOffsetForPartition => "NoOffsetForPartition",
            StepError::NotEnoughReplicas => "NotEnoughReplicas",
            StepError::ConfigException => "ConfigException",
            StepError::RequestTimedOut => "RequestTimedOut",
            StepError::LeaderNotAvailable => "LeaderNotAvailable",
            StepError::NotModelled => "NotModelled",
        }
    }
}
