//! librdkafka's error codes → the contract's error names (Kafka's names without the suffix).

use rdkafka::error::{KafkaError, RDKafkaErrorCode as Code};

/// The contract's name for a code; codes the contract does not list keep librdkafka's own name.
pub fn code_name(code: Code) -> String {
    match code {
        Code::ProducerFenced | Code::Fenced | Code::TransactionCoordinatorFenced => {
            "ProducerFenced"
        }
        Code::InvalidProducerEpoch => "InvalidProducerEpoch",
        Code::OutOfOrderSequenceNumber => "OutOfOrderSequence",
        Code::InvalidTransactionalState => "InvalidTxnState",
        Code::State => "IllegalState",
        Code::AutoOffsetReset => "NoOffsetForPartition",
        Code::NotEnoughReplicas | Code::NotEnoughReplicasAfterAppend => "NotEnoughReplicas",
        Code::InvalidConfig => "ConfigException",
        Code::RequestTimedOut | Code::MessageTimedOut => "RequestTimedOut",
        Code::LeaderNotAvailable => "LeaderNotAvailable",
        other => return format!("{other:?}"),
    }
    .to_owned()
}

/// The code inside any rdkafka error, if it has one.
pub fn error_code(e: &KafkaError) -> Option<Code> {
    match e {
        KafkaError::Transaction(t) => Some(t.code()),
        other => other.rdkafka_error_code(),
    }
}

/// The contract's name for an error.
pub fn error_name(e: &KafkaError) -> String {
    match e {
        KafkaError::ClientConfig(..) | KafkaError::ClientCreation(_) => {
            "ConfigException".to_owned()
        }
        other => error_code(other).map_or_else(|| "KafkaError".to_owned(), code_name),
    }
}

/// Errors that mean "no answer in time" rather than "Kafka refused": the proxy turns them into 504, or 502
/// when the cluster turns out to be unreachable.
pub fn is_timeout(e: &KafkaError) -> bool {
    matches!(
        error_code(e),
        Some(
            Code::OperationTimedOut
                | Code::TimedOutQueue
                | Code::AllBrokersDown
                | Code::BrokerTransportFailure
                | Code::Resolve
                | Code::CoordinatorNotAvailable
                | Code::NotCoordinator
                | Code::WaitingForCoordinator
                | Code::CoordinatorLoadInProgress
        )
    )
}
