//! The contract's `final` section for a session: what the cluster's own APIs show (the observe module) plus
//! what only the proxy knows (client states, consumer positions). Every field neither source saw is listed in
//! `unknown` and left null or empty.

use kafka_model::output::{
    ConsumerOut, FinalState, LogEntryOut, ProducerOut, TopicPartitionOffset,
};

use crate::observe::{Observation, Target};
use crate::session_clients::SessionClients;
use kafka_model::producer::ProducerState;

/// What the proxy itself knows about one producer, read under the session lock.
pub struct KnownProducer {
    pub id: String,
    pub transactional_id: Option<String>,
    pub idempotent: bool,
    pub state: ProducerState,
    /// The last record this instance delivered: (topic, partition, offset), scenario names.
    pub last_delivered: Option<(String, u32, u64)>,
}

/// The proxy's side of the state.
pub struct Known {
    pub target: Target,
    pub producers: Vec<KnownProducer>,
    pub consumers: Vec<ConsumerOut>,
    /// Paths the clients cannot tell (in the final-state shape, keyed by client id).
    pub unknown: Vec<String>,
}

/// Reads the proxy's side (blocking: consumer positions ask the clients).
pub fn known(s: &mut SessionClients) -> Known {
    let local = |t: &str| t.strip_prefix(&s.prefix).unwrap_or(t).to_owned();
    let producers = s
        .producers
        .iter()
        .zip(&s.setup.producers)
        .map(|(p, spec)| KnownProducer {
            id: p.id().to_owned(),
            transactional_id: spec.config.transactional_id.clone(),
            idempotent: spec.config.idempotence,
            state: p.state(),
            last_delivered: p
                .last_delivered()
                .map(|(t, part, o)| (local(t), (*part).max(0) as u32, (*o).max(0) as u64)),
        })
        .collect();
    let mut consumers = Vec::new();
    let mut unknown = Vec::new();
    for c in &mut s.consumers {
        let mut positions = Vec::new();
        for (t, p, o) in c.positions() {
            match o {
                Some(o) => positions.push(TopicPartitionOffset {
                    topic: local(&t),
                    partition: p.max(0) as u32,
                    offset: o.max(0) as u64,
                }),
                None => unknown.push(format!(
                    "consumers[{}].positions[{}/{p}]",
                    c.id(),
                    local(&t)
                )),
            }
        }
        consumers.push(ConsumerOut {
            id: c.id().to_owned(),
            state: c.state(),
            positions,
            assignment: Vec::new(),
        });
    }
    let target = Target {
        prefix: s.prefix.clone(),
        topics: s.observed_topics(),
        groups: s.setup.groups.clone(),
        transactional_ids: s.setup.transactional_ids.clone(),
    };
    Known {
        target,
        producers,
        consumers,
        unknown,
    }
}

fn entry_at<'a>(
    seen: &'a Observation,
    topic: &str,
    partition: u32,
    offset: u64,
) -> Option<&'a LogEntryOut> {
    seen.partitions
        .iter()
        .find(|p| p.topic == topic && p.partition == partition)?
        .log
        .iter()
        .find(|e| e.offset == offset)
}

/// The final state and the unknown paths.
pub fn compose(known: Known, seen: Observation) -> (FinalState, Vec<String>) {
    let mut unknown = seen.unknown.clone();
    unknown.extend(known.unknown.iter().cloned());
    let mut producers = Vec::new();
    for (i, p) in known.producers.iter().enumerate() {
        let txn = p
            .transactional_id
            .as_ref()
            .and_then(|t| seen.transactions.iter().find(|x| &x.transactional_id == t));
        // The instance's own id: its last delivered record carries it; a live transactional producer holds
        // the coordinator's current id and epoch (a fenced or crashed one may hold an older epoch).
        let from_log = p
            .last_delivered
            .as_ref()
            .and_then(|(t, part, o)| entry_at(&seen, t, *part, *o))
            .map(|e| (e.producer_id, e.producer_epoch));
        let current = matches!(p.state, ProducerState::Ready | ProducerState::InTransaction);
        let (producer_id, producer_epoch) = match (from_log, txn) {
            (_, Some(t)) if current => (Some(t.producer_id), Some(t.producer_epoch)),
            (Some(ids), _) => ids,
            // Without idempotence there is no producer id at all.
            (None, _) if !p.idempotent && p.transactional_id.is_none() => (None, None),
            (None, _) => {
                unknown.push(format!("producers[{i}].producer_id"));
                unknown.push(format!("producers[{i}].producer_epoch"));
                (None, None)
            }
        };
        producers.push(ProducerOut {
            id: p.id.clone(),
            producer_id,
            producer_epoch,
            transactional_id: p.transactional_id.clone(),
            state: p.state,
            transaction_state: txn.map(|t| t.state),
        });
    }
    // The proxy does not manage brokers: their liveness and replication are not reported.
    unknown.push("brokers".to_owned());
    let state = FinalState {
        partitions: seen.partitions,
        groups: seen.groups,
        producers,
        consumers: known.consumers,
        transactions: seen.transactions,
        brokers: Vec::new(),
    };
    (state, unknown)
}
