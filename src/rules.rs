//! The rules the course teaches, each as a chip: its id, a sentence that says it in our own words (the chip's
//! tooltip), and its entry in the glossary. The lessons' text names rules by id in parentheses; `prose` turns
//! those into chips, so no rule id stands bare in a sentence.

use yew::prelude::*;

use crate::route::Route;

#[derive(Debug, PartialEq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub sentence: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule { id: "C1", title: "position and committed offset", sentence: "A consumer's position, the next offset it hands out, lives in its memory; the committed offset is what its group stored, and the two can differ." },
    Rule { id: "C2", title: "what a commit stores", sentence: "A commit stores the next offset to read: one past the last record processed." },
    Rule { id: "C3", title: "commit without arguments", sentence: "commit() without arguments stores the position of every assigned partition, whatever the application did with the records." },
    Rule { id: "C4", title: "auto-commit", sentence: "Auto-commit is not a timer: poll commits the positions of records handed out earlier, once the interval has passed." },
    Rule { id: "C5", title: "auto.offset.reset", sentence: "auto.offset.reset is used only when the group has no committed offset: start at the end, at the beginning, or fail." },
    Rule { id: "C6", title: "crash and restart", sentence: "A crashed consumer keeps its partitions until its session times out; a restarted one resumes from the committed offset." },
    Rule { id: "C7", title: "no rewind after an abort", sentence: "Aborting a transaction does not move the consumer's position back: the loop must seek to the committed offset itself." },
    Rule { id: "C8", title: "isolation level", sentence: "read_committed reads only up to the last stable offset and skips aborted records; read_uncommitted reads them all." },
    Rule { id: "G1", title: "group membership", sentence: "A group's members share its partitions, one owner each; a member that stops polling or heartbeating in time is removed." },
    Rule { id: "G2", title: "assignors", sentence: "Eager assignors take every partition away before handing them out again; cooperative-sticky moves only those that change owner." },
    Rule { id: "G3", title: "commit after losing a partition", sentence: "A member removed from its group cannot commit: the commit fails, and another member reads those records again." },
    Rule { id: "G4", title: "revocation hook", sentence: "A rebalance listener runs before partitions are taken away: the last chance to commit what was processed." },
    Rule { id: "G5", title: "static membership", sentence: "A member with a group.instance.id can restart within its session timeout without a rebalance." },
    Rule { id: "G6", title: "poison pill", sentence: "A record that always fails, retried by seeking back, stops its partition for good." },
    Rule { id: "P1", title: "producer id", sentence: "Without a transactional.id every producer start gets a new producer id, so nothing ties a restarted producer to its earlier writes." },
    Rule { id: "P2", title: "sequence numbers", sentence: "A producer numbers its records per partition from 0, one by one." },
    Rule { id: "P3", title: "broker deduplication", sentence: "The broker remembers each producer's last five batches per partition and drops a retried duplicate." },
    Rule { id: "P4", title: "sequence errors", sentence: "A gap in the numbers, or a number older than the remembered batches, is refused." },
    Rule { id: "P5", title: "idempotence settings", sentence: "Idempotence is on by default and needs acks=all, retries and at most five requests in flight: other settings quietly switch the default off, and a client asked for it explicitly refuses to work." },
    Rule { id: "P6", title: "lost acknowledgement", sentence: "If a write reached the broker but its answer was lost, the producer sends it again: without idempotence, a second copy." },
    Rule { id: "T1", title: "init_transactions", sentence: "init_transactions gets the transactional.id's producer id and raises its epoch, shutting out every older instance." },
    Rule { id: "T2", title: "init during an open transaction", sentence: "init_transactions while the transactional.id has a transaction open aborts that transaction first." },
    Rule { id: "T3", title: "the coordinator's states", sentence: "The transaction coordinator moves each transactional.id from Empty to Ongoing, then through a prepare state to a completed commit or abort." },
    Rule { id: "T4", title: "partitions join a transaction", sentence: "A partition joins a transaction before the producer first writes to it." },
    Rule { id: "T5", title: "offsets in a transaction", sentence: "send_offsets_to_transaction stores the group's offsets as pending: they count only if the transaction commits." },
    Rule { id: "T6", title: "ending a transaction", sentence: "Ending a transaction has the coordinator write the markers; a transaction that touched nothing sends no request." },
    Rule { id: "T7", title: "control markers", sentence: "A commit or abort marker takes one offset in every partition the transaction touched, and consumers never receive it." },
    Rule { id: "T8", title: "high watermark and last stable offset", sentence: "The high watermark is the end of what every in-sync replica has; the last stable offset stops at the first transaction still open." },
    Rule { id: "T9", title: "transaction timeout", sentence: "A transaction open longer than transaction.timeout.ms is aborted by the coordinator, which raises the epoch." },
    Rule { id: "T10", title: "client state errors", sentence: "Transactional calls made in the wrong state fail, and how they fail depends on the client." },
    Rule { id: "T11", title: "transaction protocol version 2", sentence: "With transaction protocol version 2, partitions join implicitly and the epoch rises at the end of every transaction." },
    Rule { id: "D1", title: "acks", sentence: "acks decides when a write is acknowledged: never, after the leader's own write, or once every in-sync replica has it." },
    Rule { id: "D2", title: "min.insync.replicas", sentence: "With acks=all a write needs at least min.insync.replicas in-sync copies, or it is refused." },
    Rule { id: "D3", title: "leader failure", sentence: "Records a leader acknowledged with acks=1 that no follower copied are lost when another replica takes over." },
    Rule { id: "D4", title: "unclean leader election", sentence: "Letting an out-of-sync replica lead keeps the partition available but can lose even acks=all records." },
    Rule { id: "L1", title: "the ledger's counts", sentence: "For every message the ledger counts how often it was sent, written, delivered and processed." },
    Rule { id: "L2", title: "the ledger's labels", sentence: "The ledger labels a message lost, processed twice, duplicated in the log, read from an aborted transaction, or exactly once." },
    Rule { id: "S1", title: "auto-commit is not at-most-once", sentence: "Auto-commit does not make a loop at-most-once: a crash after processing repeats records." },
    Rule { id: "S2", title: "skipping a commit is not a retry", sentence: "Skipping the commit after a failed record does not retry it: the next successful commit passes over it." },
    Rule { id: "S3", title: "a correct transactional loop", sentence: "A transactional loop initialises once, sends its offsets in the transaction, aborts and seeks back on errors, and is read with read_committed." },
    Rule { id: "S4", title: "idempotence and restarts", sentence: "Idempotence alone never removes duplicates across producer restarts." },
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

impl Rule {
    /// Its glossary entry's id.
    pub fn term(&self) -> String {
        format!("rule-{}", self.id.to_ascii_lowercase())
    }
}

/// A rule as a chip: its id, its sentence on hover and for screen readers, a link to its glossary entry.
pub fn rule_chip(rule: &Rule) -> Html {
    html! {
        <a class="rule-chip" href={Route::Glossary { term: Some(rule.term()) }.to_hash()} title={rule.sentence}
           aria-label={format!("Rule {}: {}", rule.id, rule.sentence)}>{rule.id}</a>
    }
}

/// A piece of lesson text: words, or a rule it names.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    Text(String),
    Rule(&'a Rule),
}

/// A rule as a chip inside something that is itself a link (a lesson's card): its sentence on hover.
pub fn rule_tag(rule: &Rule) -> Html {
    html! { <span class="rule-chip" title={rule.sentence}>{rule.id}</span> }
}

/// Lesson text split at each parenthesised rule reference, `(T8, C8)`; other references in the same
/// parentheses (`KIP-101`) stay as text.
pub fn pieces(text: &str) -> Vec<Piece<'static>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((open, close)) = rest
        .find('(')
        .and_then(|open| Some((open, open + rest[open..].find(')')?)))
    {
        let items: Vec<&str> = rest[open + 1..close].split(", ").collect();
        if !items.iter().any(|item| find(item).is_some()) {
            out.push(Piece::Text(rest[..=close].to_string()));
            rest = &rest[close + 1..];
            continue;
        }
        out.push(Piece::Text(rest[..open].to_string()));
        out.extend(items.iter().filter_map(|item| find(item)).map(Piece::Rule));
        let others: Vec<&str> = items
            .iter()
            .copied()
            .filter(|item| find(item).is_none())
            .collect();
        if !others.is_empty() {
            out.push(Piece::Text(format!(" ({})", others.join(", "))));
        }
        rest = &rest[close + 1..];
    }
    out.push(Piece::Text(rest.to_string()));
    // Words next to words are one piece.
    let mut merged: Vec<Piece> = Vec::new();
    for piece in out {
        match (merged.last_mut(), piece) {
            (_, Piece::Text(text)) if text.is_empty() => {}
            (Some(Piece::Text(before)), Piece::Text(text)) => before.push_str(&text),
            (_, piece) => merged.push(piece),
        }
    }
    merged
}

/// Lesson text with its rule references drawn as chips.
pub fn prose(text: &str) -> Html {
    let parts = pieces(text).into_iter().map(|piece| match piece {
        Piece::Text(text) => html! { {text} },
        Piece::Rule(rule) => rule_chip(rule),
    });
    html! { <>{ for parts }</> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_references_become_chips_and_other_words_stay() {
        let t8 = find("T8").unwrap();
        let c8 = find("C8").unwrap();
        let d3 = find("D3").unwrap();
        assert_eq!(
            pieces("the open transaction holds it there (T8, C8): nothing (yet) from offset 2"),
            vec![
                Piece::Text("the open transaction holds it there ".into()),
                Piece::Rule(t8),
                Piece::Rule(c8),
                Piece::Text(": nothing (yet) from offset 2".into()),
            ]
        );
        assert_eq!(
            pieces("then caught up (D3, KIP-101)."),
            vec![
                Piece::Text("then caught up ".into()),
                Piece::Rule(d3),
                Piece::Text(" (KIP-101).".into()),
            ]
        );
    }

    /// No lesson text keeps a bare rule id once its references are chips.
    #[test]
    fn no_rule_id_is_left_in_the_lessons_prose() {
        for lesson in kafka_model::lesson::lessons().into_iter().flatten() {
            let texts = lesson.script.iter().flat_map(|entry| {
                let question = entry
                    .question
                    .iter()
                    .flat_map(|q| [q.prompt.clone(), q.why.clone()]);
                [Some(entry.say.clone()), entry.hint.clone()]
                    .into_iter()
                    .flatten()
                    .chain(question)
            });
            for text in texts.chain([lesson.goal.text.clone()]) {
                for piece in pieces(&text) {
                    if let Piece::Text(words) = piece {
                        let bare = RULES.iter().find(|rule| {
                            words
                                .split(|c: char| !c.is_ascii_alphanumeric())
                                .any(|word| word == rule.id)
                        });
                        assert!(
                            bare.is_none(),
                            "lesson {}: {:?} names a rule in prose: {words}",
                            lesson.id,
                            bare.map(|r| r.id)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_rule_the_lessons_name_has_a_sentence() {
        for lesson in kafka_model::lesson::lessons().into_iter().flatten() {
            for rule in &lesson.rules {
                assert!(
                    find(rule).is_some(),
                    "lesson {} teaches {rule}, which has no chip",
                    lesson.id
                );
            }
        }
        for rule in RULES {
            assert!(rule.sentence.ends_with('.'), "{}", rule.id);
        }
    }
}
