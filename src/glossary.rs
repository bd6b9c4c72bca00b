//! The words the course uses, each with a short definition and an address of its own (`#/glossary/<id>`).

pub struct Term {
    pub id: &'static str,
    pub term: &'static str,
    pub meaning: &'static str,
    /// Rule ids of the semantics the term belongs to.
    pub rules: &'static [&'static str],
}

pub const TERMS: &[Term] = &[
    Term { id: "log", term: "log", meaning: "The ordered list of records of one partition. Records are only ever added at the end; each gets the next offset.", rules: &[] },
    Term { id: "partition", term: "partition", meaning: "One log of a topic. A topic has one or more partitions; order is kept within a partition, not across them.", rules: &[] },
    Term { id: "offset", term: "offset", meaning: "A record's number in its partition's log: 0 for the first, then 1, 2, … Offsets never change and are never reused.", rules: &[] },
    Term { id: "high-watermark", term: "high watermark (HW)", meaning: "The offset after the last record that every in-sync replica has. Consumers read only below it.", rules: &["T8", "D1"] },
    Term { id: "lso", term: "last stable offset (LSO)", meaning: "The first offset of the oldest transaction still open in the partition, or the high watermark if none is open. read_committed consumers stop here.", rules: &["T8", "C8"] },
    Term { id: "position", term: "position", meaning: "The next offset a consumer will hand to the application. It lives in the consumer's memory and is lost when the consumer crashes.", rules: &["C1"] },
    Term { id: "committed-offset", term: "committed offset", meaning: "The offset a consumer group has stored with the group coordinator: the next offset to read, one past the last processed record. A restarted consumer resumes here.", rules: &["C2", "C6"] },
    Term { id: "commit", term: "commit", meaning: "Storing offsets for a group. Without arguments a commit stores the current position of every assigned partition, whatever the application did with the records.", rules: &["C3"] },
    Term { id: "auto-commit", term: "auto-commit", meaning: "enable.auto.commit: the consumer commits by itself, inside poll, once auto.commit.interval.ms has passed — the positions reached by records handed out earlier.", rules: &["C4"] },
    Term { id: "auto-offset-reset", term: "auto.offset.reset", meaning: "Where a consumer starts when its group has no committed offset: latest (the end), earliest (the beginning) or none (an error).", rules: &["C5"] },
    Term { id: "consumer-group", term: "consumer group", meaning: "Consumers sharing a group.id. They split a topic's partitions between them and share committed offsets.", rules: &["C6"] },
    Term { id: "rebalance", term: "rebalance", meaning: "The group handing out its partitions again after a member joins, leaves or is declared dead.", rules: &["C6"] },
    Term { id: "session-timeout", term: "session.timeout.ms", meaning: "How long the group waits for a silent member before declaring it dead and giving its partitions to others: 45 seconds by default in both clients.", rules: &["C6"] },
    Term { id: "isolation-level", term: "isolation level", meaning: "read_uncommitted (the default) reads every record below the high watermark; read_committed reads only up to the LSO and skips aborted records.", rules: &["C8"] },
    Term { id: "acks", term: "acks", meaning: "When the leader answers a write: 0 never, 1 after its own write, all (the default) after every in-sync replica has the record.", rules: &["D1"] },
    Term { id: "retry", term: "retry", meaning: "The producer sending a request again when it got no answer. If the first attempt did reach the broker, a retry can write a second copy.", rules: &["P6"] },
    Term { id: "idempotent-producer", term: "idempotent producer", meaning: "enable.idempotence: the producer numbers its records so the broker can drop a retried duplicate. On by default in kafka-python 3.0 and the Java client, unless another setting (acks=1, say) rules it out.", rules: &["P3", "P5"] },
    Term { id: "pid", term: "producer id (PID)", meaning: "The number the broker gives an idempotent or transactional producer. A restarted idempotent producer gets a new one, so its resends are not recognised.", rules: &["P1"] },
    Term { id: "epoch", term: "producer epoch", meaning: "A counter kept with the PID of a transactional.id. Each init_transactions raises it; requests from an older epoch are refused.", rules: &["T1", "P4"] },
    Term { id: "sequence-number", term: "sequence number", meaning: "The number of a record from one producer to one partition, from 0 up. The broker remembers the last five batches to spot duplicates and gaps.", rules: &["P2", "P3", "P4"] },
    Term { id: "replica", term: "replica", meaning: "A copy of a partition on a broker. One replica is the leader; the others (followers) copy from it.", rules: &["D1"] },
    Term { id: "isr", term: "in-sync replicas (ISR)", meaning: "The replicas that are up to date with the leader. Only they count for acks=all and only they can become leader.", rules: &["D1", "D2"] },
    Term { id: "min-insync-replicas", term: "min.insync.replicas", meaning: "With acks=all, the fewest in-sync replicas a write needs; with fewer, the write is refused (NotEnoughReplicas) and the producer retries on its own until delivery.timeout.ms. Set above the replication factor, it counts as the replication factor.", rules: &["D2"] },
    Term { id: "delivery-timeout", term: "delivery.timeout.ms", meaning: "How long the producer keeps trying to deliver a record, retries included: two minutes by default. Only then does the application hear that the write failed.", rules: &["D1", "D2"] },
    Term { id: "linger", term: "linger.ms", meaning: "How long the producer waits before sending what send() handed it, to batch records: 0 ms in kafka-python, 5 ms in the Java client, whose abort drops the records still waiting.", rules: &["T6"] },
    Term { id: "leader-election", term: "leader election", meaning: "Choosing a new leader when the leader's broker fails. Records the old leader had acknowledged but nobody copied are lost; it truncates them when it returns.", rules: &["D3"] },
    Term { id: "unclean-leader-election", term: "unclean leader election", meaning: "Letting a replica outside the ISR become leader. It keeps the partition available but can lose even acks=all records.", rules: &["D4"] },
    Term { id: "transactional-id", term: "transactional.id", meaning: "The name a transactional producer keeps across restarts. It ties every instance of the application to one PID and lets a new instance fence the old one.", rules: &["T1"] },
    Term { id: "transaction", term: "transaction", meaning: "Writes to several partitions, and a group's offsets, that become visible to read_committed readers all together or not at all.", rules: &["T3", "T6"] },
    Term { id: "transaction-coordinator", term: "transaction coordinator", meaning: "The broker component that keeps each transactional.id's state (Empty, Ongoing, PrepareCommit, …) and writes the markers.", rules: &["T3"] },
    Term { id: "control-marker", term: "control marker", meaning: "A COMMIT or ABORT entry the coordinator writes into every partition a transaction touched. It takes an offset but is never handed to applications.", rules: &["T7"] },
    Term { id: "send-offsets-to-transaction", term: "send_offsets_to_transaction", meaning: "Adding the consumer's positions to the producer's transaction, so the input is marked read exactly when the output is committed.", rules: &["T5"] },
    Term { id: "fencing", term: "fencing (zombie)", meaning: "Shutting out an old instance that is still running: once a new instance has a higher epoch, the old one's requests are refused. Its write fails with InvalidProducerEpoch; then the Java client's commit fails with that error again and its abort with ProducerFenced, while kafka-python asks for a new epoch of its own, is refused, and fails with ProducerFenced.", rules: &["T1", "T2"] },
    Term { id: "transaction-timeout", term: "transaction.timeout.ms", meaning: "How long a transaction may stay open. The coordinator aborts an older one and raises the epoch, fencing the slow producer.", rules: &["T9"] },
    Term { id: "at-most-once", term: "at-most-once", meaning: "Each message is processed once or not at all: commit before processing, so a crash skips rather than repeats.", rules: &["S1"] },
    Term { id: "at-least-once", term: "at-least-once", meaning: "Each message is processed once or more: process, then commit, so a crash repeats rather than skips.", rules: &["C4", "S2"] },
    Term { id: "exactly-once", term: "exactly-once", meaning: "Each input's result is visible once to read_committed readers: read, process and write in one transaction with the consumer's offsets. Side effects outside Kafka are not covered.", rules: &["S3"] },
    Term { id: "lost", term: "lost (ledger label)", meaning: "The producer was told a write succeeded but no committed copy survives; or a group committed past a message it never processed.", rules: &["L2"] },
    Term { id: "processed-twice", term: "processed twice (ledger label)", meaning: "A group applied a message's side effect more than once: a redelivery.", rules: &["L2"] },
    Term { id: "duplicate-in-log", term: "duplicate in log (ledger label)", meaning: "More than one committed copy of a message in the log, usually from a retry.", rules: &["L2"] },
    Term { id: "aborted-read", term: "aborted read (ledger label)", meaning: "A record from an aborted or still-open transaction was handed to the application.", rules: &["L2", "C8"] },
];

pub fn find(id: &str) -> Option<&'static Term> {
    TERMS.iter().find(|term| term.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_term_has_a_unique_url_safe_id_and_a_meaning() {
        let ids: BTreeSet<&str> = TERMS.iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), TERMS.len());
        for term in TERMS {
            assert!(
                term.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                term.id
            );
            assert!(term.meaning.ends_with('.'), "{}", term.id);
        }
    }

    #[test]
    fn the_lessons_words_are_in_the_glossary() {
        // Words every lesson leans on: each must be defined here.
        let text: String = kafka_model::lesson::lessons()
            .into_iter()
            .flatten()
            .flat_map(|lesson| {
                lesson
                    .script
                    .into_iter()
                    .map(|entry| entry.say.to_lowercase())
            })
            .collect();
        for word in [
            "offset",
            "position",
            "committed",
            "high watermark",
            "epoch",
            "marker",
            "read_committed",
            "in-sync",
        ] {
            assert!(text.contains(word), "the lessons no longer say \"{word}\"");
            assert!(
                TERMS.iter().any(|t| t.term.to_lowercase().contains(word)
                    || t.meaning.to_lowercase().contains(word)),
                "\"{word}\" is used by the lessons but not defined"
            );
        }
    }
}
