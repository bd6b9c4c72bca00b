//! Button and log labels for model actions: who does what, in the words of the clients' APIs.

use kafka_model::names::Names;
use kafka_model::output::actor_name;
use kafka_model::Action;

pub fn action_label(names: &Names<'_>, action: &Action) -> String {
    let what = match action {
        Action::ProducerSend { topic, value, .. } => {
            format!("send {} to {}", names.text(*value), names.topic(*topic))
        }
        Action::ProducerSendNextOrder { topic, .. } => {
            format!("send the next order to {}", names.topic(*topic))
        }
        Action::ProducerLoseNextAck { .. } => "lose the next acknowledgement".to_string(),
        Action::ConsumerProcess { fail: true, .. } => "process, and fail".to_string(),
        Action::ConsumerProcess {
            fail: false,
            idempotent: true,
            ..
        } => "process, unless already applied".to_string(),
        Action::ConsumerProcess { fail: false, .. } => "process".to_string(),
        Action::ConsumerCommit { offsets: None, .. } => "commit()".to_string(),
        Action::ConsumerCommit {
            offsets: Some(offsets),
            ..
        } => format!(
            "commit {}",
            offsets
                .iter()
                .map(|(tp, offset)| format!("{}:{}", names.tp(*tp), offset))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Action::ConsumerSeek { tp, offset, .. } => format!("seek {} to {}", names.tp(*tp), offset),
        Action::ClockAdvance { ms } => format!("advance the clock {ms} ms"),
        Action::ProducerSendOffsetsToTransaction { consumer, .. } => format!(
            "send offsets to the transaction ({}'s positions)",
            names.consumer(*consumer)
        ),
        Action::BrokerCrash { broker } => format!("crash broker {broker}"),
        Action::BrokerRestart { broker } => format!("restart broker {broker}"),
        other => other.op_name().replace('_', " "),
    };
    match actor_name(names, action) {
        Some(actor) => format!("{actor}: {what}"),
        None => what,
    }
}
