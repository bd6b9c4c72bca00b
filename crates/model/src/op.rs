//! The op table: every op a step may name, who performs it and the fields it takes. Reading a step, writing
//! one and [`Action::op`](crate::Action::op) all go through it, so each op and each field is spelled once.

use crate::contract_names::contract_names;

/// The fields of a step, as the scenario file spells them.
pub mod field {
    pub const ACTOR: &str = "actor";
    pub const OP: &str = "op";
    /// A comment for the reader of the file; the model ignores it.
    pub const NOTE: &str = "note";
    pub const TOPIC: &str = "topic";
    pub const PARTITION: &str = "partition";
    pub const KEY: &str = "key";
    pub const VALUE: &str = "value";
    pub const CONSUMER: &str = "consumer";
    pub const FAIL: &str = "fail";
    pub const IDEMPOTENT: &str = "idempotent";
    pub const OFFSETS: &str = "offsets";
    pub const OFFSET: &str = "offset";
    pub const MS: &str = "ms";
    pub const BROKER: &str = "broker";
}

use field::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    Send,
    Flush,
    LoseNextAck,
    LoseNextRequest,
    InitTransactions,
    BeginTransaction,
    CommitTransaction,
    AbortTransaction,
    SendOffsetsToTransaction,
    Crash,
    Restart,
    Poll,
    Process,
    Commit,
    Seek,
    Close,
    Advance,
    CrashBroker,
    RestartBroker,
    PauseReplication,
    ResumeReplication,
}

contract_names!(Op {
    Send = "send",
    Flush = "flush",
    LoseNextAck = "lose_next_ack",
    LoseNextRequest = "lose_next_request",
    InitTransactions = "init_transactions",
    BeginTransaction = "begin_transaction",
    CommitTransaction = "commit_transaction",
    AbortTransaction = "abort_transaction",
    SendOffsetsToTransaction = "send_offsets_to_transaction",
    Crash = "crash",
    Restart = "restart",
    Poll = "poll",
    Process = "process",
    Commit = "commit",
    Seek = "seek",
    Close = "close",
    Advance = "advance",
    CrashBroker = "crash_broker",
    RestartBroker = "restart_broker",
    PauseReplication = "pause_replication",
    ResumeReplication = "resume_replication",
});

/// Who performs an op: a producer, a consumer, or (neither) the cluster, which takes no actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Performers {
    pub producer: bool,
    pub consumer: bool,
}

const BY_PRODUCER: Performers = Performers {
    producer: true,
    consumer: false,
};
const BY_CONSUMER: Performers = Performers {
    producer: false,
    consumer: true,
};
const BY_CLIENT: Performers = Performers {
    producer: true,
    consumer: true,
};
const BY_CLUSTER: Performers = Performers {
    producer: false,
    consumer: false,
};

/// The fields of one entry of `commit`'s `offsets`.
pub const OFFSET_FIELDS: &[&str] = &[TOPIC, PARTITION, OFFSET];

impl Op {
    /// Who performs the op, and the fields it takes besides `actor`, `op` and `note`.
    pub fn table(self) -> (Performers, &'static [&'static str]) {
        use Op::*;
        match self {
            Send => (BY_PRODUCER, &[TOPIC, PARTITION, KEY, VALUE]),
            SendOffsetsToTransaction => (BY_PRODUCER, &[CONSUMER]),
            Flush | LoseNextAck | LoseNextRequest | InitTransactions | BeginTransaction
            | CommitTransaction | AbortTransaction => (BY_PRODUCER, &[]),
            Crash | Restart => (BY_CLIENT, &[]),
            Process => (BY_CONSUMER, &[FAIL, IDEMPOTENT]),
            Commit => (BY_CONSUMER, &[OFFSETS]),
            Seek => (BY_CONSUMER, &[TOPIC, PARTITION, OFFSET]),
            Poll | Close => (BY_CONSUMER, &[]),
            Advance => (BY_CLUSTER, &[MS]),
            CrashBroker | RestartBroker | PauseReplication | ResumeReplication => {
                (BY_CLUSTER, &[BROKER])
            }
        }
    }

    pub fn performers(self) -> Performers {
        self.table().0
    }

    pub fn fields(self) -> &'static [&'static str] {
        self.table().1
    }

    pub fn by_cluster(self) -> bool {
        self.performers() == BY_CLUSTER
    }

    /// The names of the ops `who` performs, for error messages.
    pub fn names_where(who: impl Fn(Performers) -> bool) -> String {
        Op::ALL
            .iter()
            .filter(|op| who(op.performers()))
            .map(|op| op.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_op_is_read_and_written_as_its_name_and_an_unknown_name_lists_them_all() {
        assert_eq!(
            Op::from_name("send_offsets_to_transaction"),
            Some(Op::SendOffsetsToTransaction)
        );
        assert_eq!(
            serde_json::to_string(&Op::CrashBroker).unwrap(),
            "\"crash_broker\""
        );
        assert_eq!(serde_json::from_str::<Op>("\"poll\"").unwrap(), Op::Poll);
        let e = serde_json::from_str::<Op>("\"pol\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("unknown variant `pol`, expected one of `send`, `flush`"),
            "{e}"
        );
        assert!(Op::ALL
            .iter()
            .all(|op| Op::from_name(op.name()) == Some(*op)));
    }
}
