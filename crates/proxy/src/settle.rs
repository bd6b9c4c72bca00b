//! After a transaction ends, wait for its markers. The coordinator answers EndTxn once it has logged the
//! decision and writes the markers afterwards, so a step that comes right after a commit could land before the
//! commit marker. The model writes the markers as part of the commit; waiting here makes a step mean the same
//! thing on both sides.

use std::time::{Duration, Instant};

use kafka_model::transaction_coordinator::TxnState;
use kafka_model::Action;

use crate::observe::{observe, Target};
use crate::session_clients::SessionClients;

/// The transactional.id whose markers the action may be writing, if any.
pub fn ending_transaction(state: &SessionClients, action: &Action) -> Option<String> {
    let producer = match action {
        Action::ProducerCommitTransaction { producer }
        | Action::ProducerAbortTransaction { producer }
        | Action::ProducerInitTransactions { producer } => producer,
        _ => return None,
    };
    let spec = state.setup.producers.get(producer.0 as usize)?;
    spec.config.transactional_id.clone()
}

/// Polls the coordinator until the transaction is no longer preparing (its markers are written), for at most
/// `limit`. A coordinator that cannot be read is not waited for: the step's own outcome stands.
pub async fn markers_written(
    bootstrap: &str,
    prefix: &str,
    transactional_id: String,
    limit: Duration,
) {
    let target = Target {
        prefix: prefix.to_owned(),
        topics: Vec::new(),
        groups: Vec::new(),
        transactional_ids: vec![transactional_id],
    };
    let start = Instant::now();
    while start.elapsed() < limit {
        let Ok(seen) = observe(bootstrap, &target, limit).await else {
            return;
        };
        let preparing = seen
            .transactions
            .iter()
            .any(|t| matches!(t.state, TxnState::PrepareCommit | TxnState::PrepareAbort));
        if !preparing {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
