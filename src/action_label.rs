//! Button and log labels for model actions: who does what, in the words of the lesson's client code.

use kafka_model::config::Flavor;
use kafka_model::names::Names;
use kafka_model::output::actor_name;
use kafka_model::Action;

/// A client call as the flavor's code writes it: `commit_transaction()` in kafka-python,
/// `commitTransaction()` in Java.
fn call(flavor: Flavor, python: &str, java: &str, args: &str) -> String {
    match flavor {
        Flavor::KafkaPython => format!("{python}({args})"),
        Flavor::Java => format!("{java}({args})"),
    }
}

pub fn action_label(names: &Names<'_>, flavor: Flavor, action: &Action) -> String {
    let what = match action {
        Action::ProducerSend { topic, value, .. } => {
            format!("send {} to {}", names.text(*value), names.topic(*topic))
        }
        Action::ProducerSendNextOrder { topic, .. } => {
            format!("send the next order to {}", names.topic(*topic))
        }
        Action::ProducerFlush { .. } => call(flavor, "flush", "flush", ""),
        Action::ProducerLoseNextAck { .. } => "lose the next acknowledgement".to_string(),
        Action::ProducerInitTransactions { .. } => {
            call(flavor, "init_transactions", "initTransactions", "")
        }
        Action::ProducerBeginTransaction { .. } => {
            call(flavor, "begin_transaction", "beginTransaction", "")
        }
        Action::ProducerCommitTransaction { .. } => {
            call(flavor, "commit_transaction", "commitTransaction", "")
        }
        Action::ProducerAbortTransaction { .. } => {
            call(flavor, "abort_transaction", "abortTransaction", "")
        }
        Action::ProducerSendOffsetsToTransaction { consumer, .. } => format!(
            "{} with {}'s positions",
            call(
                flavor,
                "send_offsets_to_transaction",
                "sendOffsetsToTransaction",
                "…"
            ),
            names.consumer(*consumer)
        ),
        Action::ConsumerPoll { .. } => call(flavor, "poll", "poll", ""),
        Action::ConsumerProcess { fail: true, .. } => "process, and fail".to_string(),
        Action::ConsumerProcess {
            fail: false,
            idempotent: true,
            ..
        } => "process, unless already applied".to_string(),
        Action::ConsumerProcess { fail: false, .. } => "process".to_string(),
        Action::ConsumerCommit { offsets, .. } => {
            let offsets = offsets.as_ref().map_or(String::new(), |offsets| {
                let listed = offsets
                    .iter()
                    .map(|(tp, offset)| format!("{}: {}", names.tp(*tp), offset))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{{{listed}}}")
            });
            call(flavor, "commit", "commitSync", &offsets)
        }
        Action::ConsumerSeek { tp, offset, .. } => call(
            flavor,
            "seek",
            "seek",
            &format!("{}, {}", names.tp(*tp), offset),
        ),
        Action::ConsumerClose { .. } => call(flavor, "close", "close", ""),
        Action::ClockAdvance { ms } => format!("advance the clock {ms} ms"),
        Action::BrokerCrash { broker } => format!("crash broker {broker}"),
        Action::BrokerRestart { broker } => format!("restart broker {broker}"),
        other => other.op_name().replace('_', " "),
    };
    match actor_name(names, action) {
        Some(actor) => format!("{actor}: {what}"),
        None => what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_model::ids::ClientIdx;
    use kafka_model::{parse_scenario, Timeline};

    fn label(flavor: &str, action: Action) -> String {
        let scenario = parse_scenario(&format!(
            r#"{{"flavor": "{flavor}", "topics": [{{"name": "orders"}}],
                "producers": [{{"id": "p", "config": {{"transactional.id": "t"}}}}],
                "consumers": [{{"id": "worker", "subscribe": ["orders"], "config": {{"group.id": "g"}}}}], "steps": []}}"#
        ))
        .expect("a valid scenario");
        let timeline = Timeline::from_scenario(&scenario);
        let state = timeline.state();
        action_label(&state.names(), state.setup().flavor, &action)
    }

    #[test]
    fn each_flavor_names_the_call_its_code_makes() {
        let commit = Action::ConsumerCommit {
            consumer: ClientIdx(0),
            offsets: None,
        };
        assert_eq!(label("java", commit.clone()), "worker: commitSync()");
        assert_eq!(label("kafka-python", commit), "worker: commit()");
        let begin = Action::ProducerCommitTransaction {
            producer: ClientIdx(0),
        };
        assert_eq!(label("java", begin.clone()), "p: commitTransaction()");
        assert_eq!(label("kafka-python", begin), "p: commit_transaction()");
    }
}
