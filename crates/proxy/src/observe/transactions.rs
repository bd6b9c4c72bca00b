//! The transaction coordinators' record of each transactional id, from DescribeTransactions (KIP-664).

use std::collections::BTreeMap;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::describe_transactions_request::DescribeTransactionsRequest;
use kafka_protocol::messages::describe_transactions_response::TransactionState;
use kafka_protocol::messages::TransactionalId;

use super::cluster::{check, str_bytes, Cluster};
use super::ObserveError;

const DESCRIBE_TRANSACTIONS_VERSION: i16 = 0;

/// The coordinator's state of each of `ids` (real ids) it knows; ids it does not know are left out.
pub(crate) async fn describe(
    cluster: &mut Cluster,
    coordinator: i32,
    ids: &[String],
) -> Result<BTreeMap<String, TransactionState>, ObserveError> {
    let mut request = DescribeTransactionsRequest::default();
    request.transactional_ids = ids
        .iter()
        .map(|id| TransactionalId(str_bytes(id)))
        .collect();
    let response = cluster
        .send_to(coordinator, &request, DESCRIBE_TRANSACTIONS_VERSION)
        .await?;
    let mut out = BTreeMap::new();
    for state in response.transaction_states {
        let id = state.transactional_id.0.as_str().to_owned();
        if ResponseError::try_from_code(state.error_code)
            == Some(ResponseError::TransactionalIdNotFound)
        {
            continue;
        }
        check(state.error_code, || {
            format!("DescribeTransactions for transactional id {id}")
        })?;
        out.insert(id, state);
    }
    Ok(out)
}
