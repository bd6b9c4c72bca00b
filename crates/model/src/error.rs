//! Errors a step can end with. Names are Kafka's error/exception names without the suffix.

use std::fmt;

use crate::contract_names::contract_names;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    ProducerFenced,
    InvalidProducerEpoch,
    OutOfOrderSequence,
    InvalidTxnState,
    IllegalState,
    NoOffsetForPartition,
    NotEnoughReplicas,
    ConfigException,
    RequestTimedOut,
    LeaderNotAvailable,
    InvalidTransactionTimeout,
    CommitFailed,
    RebalanceInProgress,
    InconsistentGroupProtocol,
}

contract_names!(StepError {
    ProducerFenced = "ProducerFenced",
    InvalidProducerEpoch = "InvalidProducerEpoch",
    OutOfOrderSequence = "OutOfOrderSequence",
    InvalidTxnState = "InvalidTxnState",
    IllegalState = "IllegalState",
    NoOffsetForPartition = "NoOffsetForPartition",
    NotEnoughReplicas = "NotEnoughReplicas",
    ConfigException = "ConfigException",
    RequestTimedOut = "RequestTimedOut",
    LeaderNotAvailable = "LeaderNotAvailable",
    InvalidTransactionTimeout = "InvalidTransactionTimeout",
    CommitFailed = "CommitFailed",
    RebalanceInProgress = "RebalanceInProgress",
    InconsistentGroupProtocol = "InconsistentGroupProtocol",
});

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::error::Error for StepError {}
