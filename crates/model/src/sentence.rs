//! The learner's sentence for an event: what changed and why in plain words, rendered only when displayed.
//! Kept apart from `event.rs` so that the data (what the model, the output and the proxy exchange) reads
//! without the prose.

use std::fmt;

use crate::consumer::ConsumerState;
use crate::error::StepError;
use crate::event::{Change, CommitCause, Event, PositionSource, Reason, RebalanceCause};
use crate::ids::{Epoch, Offset, TopicPartition};
use crate::names::Names;
use crate::producer::ProducerState;

impl Event {
    /// The event as one plain sentence; rendered only when displayed.
    pub fn sentence<'a>(&'a self, names: &'a Names<'a>) -> Sentence<'a> {
        Sentence { event: self, names }
    }
}

pub struct Sentence<'a> {
    event: &'a Event,
    names: &'a Names<'a>,
}

impl fmt::Display for Sentence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.names;
        use Change as C;
        use Reason as R;
        match (&self.event.change, self.event.reason) {
            (C::ProducerIdAssigned { producer, producer_id, epoch }, _) => write!(
                f,
                "{} is idempotent, so before its first write it asked the broker for a producer id and got PID {} with epoch {}; the broker uses them to recognise retries.",
                n.producer(*producer), producer_id.0, epoch.0
            ),
            (C::RecordInFlight { producer, tp, value, sequence }, R::Send { keyed, chosen_by_partitioner }) => {
                write!(f, "{} put {} in flight for {}", n.producer(*producer), n.text(*value), n.tp(*tp))?;
                if chosen_by_partitioner {
                    if keyed {
                        write!(f, " (partition chosen by murmur2 of the key)")?;
                    } else {
                        write!(f, " (no key: the sticky partitioner picked the partition)")?;
                    }
                }
                if let Some(s) = sequence {
                    write!(f, " with sequence number {s}")?;
                }
                write!(f, "; it is not in the log until the request is delivered.")
            }
            (C::RecordAppended { tp, offset, value, .. }, R::Delivered) => write!(
                f,
                "The broker appended {} to {} at offset {} and the producer received the acknowledgement.",
                n.text(*value), n.tp(*tp), offset
            ),
            (C::RecordAppended { tp, offset, value, .. }, R::DeliveredAcksZero) => write!(
                f,
                "The broker appended {} to {} at offset {}; with acks=0 the producer does not wait for an answer, so it never learns the offset.",
                n.text(*value), n.tp(*tp), offset
            ),
            (C::RecordAppended { tp, offset, value, .. }, R::AckLost { will_retry }) => {
                write!(
                    f,
                    "The broker appended {} to {} at offset {}, but its answer was lost on the way back",
                    n.text(*value), n.tp(*tp), offset
                )?;
                if will_retry {
                    write!(f, ", so the producer does not know the write succeeded and will send the batch again.")
                } else {
                    write!(f, ".")
                }
            }
            (C::RecordAppended { tp, offset, .. }, R::RetryAppendedCopy) => write!(
                f,
                "The acknowledgement was lost, so the producer sent the batch again; without idempotence the broker cannot tell a retry from a new record and appended a second copy to {} at offset {}.",
                n.tp(*tp), offset
            ),
            (C::RetryDeduplicated { original_offset, .. }, R::RetryRecognised { producer_id, sequence }) => write!(
                f,
                "The acknowledgement was lost, so the producer sent the batch again; the broker recognised PID {} sequence {} and answered with the original offset {} instead of appending a copy.",
                producer_id.0, sequence, original_offset
            ),
            (C::SendFailed { producer, value, .. }, _) => write!(
                f,
                "retries=0, so {} gave up and reported the send of {} as failed, although the broker did append it.",
                n.producer(*producer), n.text(*value)
            ),
            (C::ProduceRejected { tp, value, .. }, R::EpochRejected) => write!(
                f,
                "The broker refused {} for {}: the producer's epoch is older than the one it knows (InvalidProducerEpoch).",
                n.text(*value), n.tp(*tp)
            ),
            (C::ProduceRejected { tp, value, .. }, _) => write!(
                f,
                "The broker refused {} for {}: its sequence number does not follow the last one it accepted from this producer (OutOfOrderSequence).",
                n.text(*value), n.tp(*tp)
            ),
            (C::FaultArmed { producer }, _) => write!(
                f,
                "Fault armed: the broker will append {}'s next request, but the answer will be lost.",
                n.producer(*producer)
            ),
            (C::InFlightDropped { producer, records }, R::AbortDropsUnsent) => write!(
                f,
                "The abort dropped {} record(s) that were still waiting in {} for linger.ms to pass: they are never sent.",
                records, n.producer(*producer)
            ),
            (C::InFlightDropped { producer, records }, _) => write!(
                f,
                "{} died with {} record(s) still in flight; they never reach the broker.",
                n.producer(*producer), records
            ),
            (C::ProducerStateChanged { producer, to: ProducerState::Crashed, .. }, _) => write!(
                f,
                "{} crashed: nothing it had in flight survives.",
                n.producer(*producer)
            ),
            (C::ProducerStateChanged { producer, .. }, R::ProducerRestartedTransactional) => write!(
                f,
                "A new instance of {} started; it must call init_transactions(), which gives it its transactional.id's PID with a higher epoch and fences the old instance.",
                n.producer(*producer)
            ),
            (C::ProducerStateChanged { producer, .. }, R::ProducerRestarted { idempotent: true }) => write!(
                f,
                "A new instance of {} started; it will get a new PID on its first write, so the broker cannot deduplicate its sends against the old instance's.",
                n.producer(*producer)
            ),
            (C::ProducerStateChanged { producer, .. }, R::ProducerRestarted { idempotent: false }) => write!(
                f,
                "A new instance of {} started with the same configuration.",
                n.producer(*producer)
            ),
            (C::ProducerStateChanged { producer, .. }, R::EpochBump) => write!(
                f,
                "{} tries to recover on its own: it asks the transaction coordinator to bump its epoch. Until the answer comes, commit_transaction() and abort_transaction() fail with IllegalState.",
                n.producer(*producer)
            ),
            (C::ProducerStateChanged { producer, .. }, R::EpochBumpRefused) => write!(
                f,
                "The coordinator refused {}'s epoch bump (ProducerFenced): a newer instance of its transactional.id holds a higher epoch, so this one can never write again.",
                n.producer(*producer)
            ),
            (C::ProducerStateChanged { producer, to: ProducerState::Fenced, .. }, R::Fenced(e)) => write!(
                f,
                "{} is fenced ({}): a newer instance of its transactional.id has a higher epoch, so this one can never write again.",
                n.producer(*producer), e.name()
            ),
            (C::ProducerStateChanged { producer, .. }, R::InitRefused(e)) => write!(
                f,
                "The transaction coordinator refused {}'s transaction.timeout.ms: it is above the broker's transaction.max.timeout.ms ({}). The producer is in an error state; every call that needs its transactions fails with the same error.",
                n.producer(*producer), e.name()
            ),
            (C::ProducerStateChanged { producer, from, to }, _) => write!(
                f,
                "{} went from {} to {}.",
                n.producer(*producer), from.name(), to.name()
            ),
            (C::TransactionDoomed { producer, error }, _) => write!(
                f,
                "The Java client treats {} as a failed transaction rather than fencing: {}'s commitTransaction() will throw it again, and only abortTransaction() goes on, to the coordinator.",
                error.name(), n.producer(*producer)
            ),
            (C::ClockAdvanced { from_ms, to_ms }, _) => write!(
                f,
                "The clock moved from {from_ms} ms to {to_ms} ms; time alone commits nothing, auto-commit waits for the next poll."
            ),
            (C::MemberJoined { group, consumer }, R::NotAMember) => write!(
                f,
                "{} joined group {} again, as a new member.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::MemberJoined { group, consumer }, _) => write!(
                f,
                "{} joined group {} on its first poll.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::MemberWaiting { group, consumer, holder, expires_at_ms: Some(at) }, _) => write!(
                f,
                "{} waits in group {}: the crashed instance of {} still holds the partitions until its session times out at {} ms, so it gets no records yet.",
                n.consumer(*consumer), n.group(*group), n.consumer(*holder), at
            ),
            (C::MemberWaiting { group, consumer, holder, expires_at_ms: None }, _) => write!(
                f,
                "{} waits in group {}: the rebalance completes only when every member has rejoined, and {} has not polled since it started, so there are no records yet.",
                n.consumer(*consumer), n.group(*group), n.consumer(*holder)
            ),
            (C::RebalanceStarted { group, cooperative }, reason) => {
                write!(f, "Group {} starts a rebalance", n.group(*group))?;
                if let R::Rebalance(cause) = reason {
                    write_cause(f, n, cause)?;
                }
                if *cooperative {
                    write!(f, ": under the cooperative protocol every member rejoins in its next poll and keeps consuming the partitions it owns meanwhile.")
                } else {
                    write!(f, ": under the eager protocol every member gives up its partitions in its next poll, and nobody gets partitions until all have rejoined.")
                }
            }
            (C::MemberRejoined { group, consumer, kept: false }, _) => write!(
                f,
                "{} rejoined group {} in this poll and gave up its partitions for the rebalance.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::MemberRejoined { group, consumer, kept: true }, _) => write!(
                f,
                "{} rejoined group {} in this poll, keeping its partitions: it goes on consuming them while the rebalance runs.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::StaticMemberReturned { group, consumer, assigned }, _) => {
                write!(
                    f,
                    "{} came back to group {} under its group.instance.id before its session expired, so it takes its old place without a rebalance",
                    n.consumer(*consumer), n.group(*group)
                )?;
                if assigned.is_empty() {
                    return write!(f, ".");
                }
                write!(f, " and gets its partitions back (")?;
                write_partitions(f, n, assigned)?;
                write!(f, "), starting from the committed offsets.")
            }
            (C::StaticMemberAway { group, consumer, expires_at_ms }, _) => write!(
                f,
                "{} is a static member, so it does not leave group {}: the group keeps its partitions for it, unread, until its session expires at {} ms.",
                n.consumer(*consumer), n.group(*group), expires_at_ms
            ),
            (C::PartitionsRevoked { consumer, partitions, in_hand }, _) => {
                write!(f, "{} gave up ", n.consumer(*consumer))?;
                write_partitions(f, n, partitions)?;
                match in_hand {
                    0 => write!(f, "; it forgets their positions."),
                    1 => write!(f, " while its loop still holds 1 record of them: processing it now repeats work the next owner will do again from the committed offset."),
                    k => write!(f, " while its loop still holds {k} records of them: processing them now repeats work the next owner will do again from the committed offset."),
                }
            }
            (C::CommitRefused { group, consumer }, R::WaitingForRebalance) => write!(
                f,
                "{} has rejoined group {} and the rebalance has not finished, so it has no generation to commit under: the client refuses the commit (RebalanceInProgress); it may commit again once a poll completes the rebalance.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::CommitRefused { group, consumer }, _) => write!(
                f,
                "{} is no longer a member of group {}, so the coordinator refuses its commit (CommitFailed); the partitions' new owner starts from the last committed offset and repeats everything processed since.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::JoinRefused { group, consumer }, _) => write!(
                f,
                "{} cannot join group {}: its partition.assignment.strategy shares no assignor with the members' (InconsistentGroupProtocol).",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::MemberRemoved { group, consumer }, R::SessionExpired) => write!(
                f,
                "The coordinator heard nothing from {} for session.timeout.ms and removed it from group {}.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::MemberRemoved { group, consumer }, R::PollIntervalExceeded) => write!(
                f,
                "{} did not call poll() within max.poll.interval.ms, so its client left group {}; the records it holds are still in its hands, but it can no longer commit them.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::MemberRemoved { group, consumer }, _) => write!(
                f,
                "{} left group {} at once.",
                n.consumer(*consumer), n.group(*group)
            ),
            (C::GroupRebalanced { group, generation, assignment, revoked }, reason) => {
                write!(f, "Group {} rebalanced (generation {})", n.group(*group), generation)?;
                if let R::Rebalance(cause) = reason {
                    write_cause(f, n, cause)?;
                }
                if assignment.is_empty() {
                    return write!(f, "; no members remain.");
                }
                write!(f, ":")?;
                for (i, (c, parts)) in assignment.iter().enumerate() {
                    write!(f, "{} {} gets ", if i == 0 { "" } else { ";" }, n.consumer(*c))?;
                    if parts.is_empty() {
                        write!(f, "nothing")?;
                    }
                    write_partitions(f, n, parts)?;
                }
                if revoked.is_empty() {
                    return write!(f, "; new partitions start from the committed offsets.");
                }
                for (c, parts) in revoked {
                    write!(f, "; {} must give up ", n.consumer(*c))?;
                    write_partitions(f, n, parts)?;
                }
                write!(f, " in its next poll, and a second rebalance hands them to the new owner.")
            }
            (C::PositionInitialised { consumer, tp, offset, source }, _) => match source {
                PositionSource::Committed => write!(
                    f,
                    "{} starts {} at the group's committed offset {}.",
                    n.consumer(*consumer), n.tp(*tp), offset
                ),
                PositionSource::ResetEarliest => write!(
                    f,
                    "The group has no committed offset for {}, so auto.offset.reset=earliest starts {} at the beginning, offset {}.",
                    n.tp(*tp), n.consumer(*consumer), offset
                ),
                PositionSource::ResetLatest => write!(
                    f,
                    "The group has no committed offset for {}, so auto.offset.reset=latest starts {} at the end, offset {}, skipping the backlog.",
                    n.tp(*tp), n.consumer(*consumer), offset
                ),
            },
            (C::PositionMoved { consumer, tp, from, to }, R::SeekMoved) => write!(
                f,
                "{} moved its position on {} from {} to {} with seek(); the next record handed out is offset {}.",
                n.consumer(*consumer), n.tp(*tp), OptOffset(*from), to, to
            ),
            (C::PositionMoved { consumer, tp, from, to }, R::BatchReturned) => write!(
                f,
                "poll() returned a batch, so {}'s position on {} jumped from {} to {}, past the batch's last record, before any of it was processed.",
                n.consumer(*consumer), n.tp(*tp), OptOffset(*from), to
            ),
            (C::PositionMoved { consumer, tp, from, to }, R::SkippedNonRecords) => write!(
                f,
                "{}'s fetch from {} found nothing to hand out, only what a consumer never sees (transaction markers, or aborted records under read_committed): its position moved past them, from {} to {}.",
                n.consumer(*consumer), n.tp(*tp), OptOffset(*from), to
            ),
            (C::PositionMoved { consumer, tp, from, to }, _) => write!(
                f,
                "{}'s position on {} moved from {} to {}.",
                n.consumer(*consumer), n.tp(*tp), OptOffset(*from), to
            ),
            (C::RecordsFetched { consumer, records }, _) => write!(
                f,
                "The iterator's buffer was empty, so {} fetched {} record(s) into it.",
                n.consumer(*consumer), records
            ),
            (C::RecordDelivered { consumer, tp, offset, value }, R::IteratorYield) => write!(
                f,
                "The iterator yielded {} from {} offset {} to {}; its position became {} just before the record reached the loop.",
                n.text(*value), n.tp(*tp), offset, n.consumer(*consumer), offset.0 + 1
            ),
            (C::RecordDelivered { consumer, tp, offset, value }, _) => write!(
                f,
                "{} received {} from {} offset {}.",
                n.consumer(*consumer), n.text(*value), n.tp(*tp), offset
            ),
            (C::NoRecords { consumer }, R::NotAMember) => write!(
                f,
                "{} left its group for a late poll, so its partitions are lost (on_partitions_lost: no commit is possible); it forgets its positions and joins again.",
                n.consumer(*consumer)
            ),
            (C::NoRecords { consumer }, R::WaitingForAssignment) => write!(
                f,
                "{} has no partitions assigned, so poll returned nothing.",
                n.consumer(*consumer)
            ),
            (C::NoRecords { consumer }, _) => write!(
                f,
                "{} is caught up: there is nothing new to read, so poll returned nothing.",
                n.consumer(*consumer)
            ),
            (C::RecordProcessed { consumer, value, offset, times, .. }, _) => {
                write!(
                    f,
                    "{} processed {} (offset {}): the side effect was applied",
                    n.consumer(*consumer), n.text(*value), offset
                )?;
                if *times == 1 {
                    write!(f, ".")
                } else {
                    write!(f, " for the {} time in this group.", Ordinal(*times))
                }
            }
            (C::ProcessingSkipped { consumer, value, offset, .. }, _) => write!(
                f,
                "{} looked {} (offset {}) up in its database and found it already applied by its group, so it skipped the side effect: processing is idempotent.",
                n.consumer(*consumer), n.text(*value), offset
            ),
            (C::ProcessingFailed { consumer, value, offset, .. }, _) => write!(
                f,
                "Processing {} (offset {}) raised an error in {}; nothing was applied, and the loop swallowed the error and moved on.",
                n.text(*value), offset, n.consumer(*consumer)
            ),
            (C::OffsetCommitted { group, consumer, tp, from, to, cause }, _) => {
                let c = n.consumer(*consumer);
                match cause {
                    CommitCause::AutoInPoll => write!(f, "The auto-commit interval had elapsed, so poll first committed {c}'s position")?,
                    CommitCause::AutoOnClose => write!(f, "close() auto-committed {c}'s position")?,
                    CommitCause::AutoBeforeRebalance => write!(f, "Before the rebalance, auto-commit stored {c}'s position")?,
                    CommitCause::OnRevoke => write!(f, "{c}'s rebalance listener committed in on_partitions_revoked, before the partition was given away")?,
                    CommitCause::Positions => write!(f, "commit() without arguments stored {c}'s position")?,
                    CommitCause::Explicit => write!(f, "{c} committed an explicit offset")?,
                }
                write!(
                    f,
                    ": group {}'s committed offset for {} went from {} to {} (the next offset to read).",
                    n.group(*group), n.tp(*tp), OptOffset(*from), to
                )
            }
            (C::NothingToCommit { consumer }, _) => write!(
                f,
                "{} has no assigned partition with a position, so there was nothing to commit.",
                n.consumer(*consumer)
            ),
            (C::BufferDropped { consumer, tp, records }, _) => write!(
                f,
                "{} dropped {} record(s) of {} it had fetched but not processed, because the position moved.",
                n.consumer(*consumer), records, n.tp(*tp)
            ),
            (C::ConsumerStateChanged { consumer, to: ConsumerState::Crashed, .. }, R::ConsumerCrashed { last, committed }) => {
                write!(f, "{} crashed", n.consumer(*consumer))?;
                match last {
                    Some((tp, o)) => {
                        write!(f, " after processing offset {o}")?;
                        match committed {
                            None => write!(f, "; the group has no committed offset yet"),
                            Some(c) if c > o => write!(
                                f,
                                "; the group's committed offset for {} is {}, so nothing it processed will be delivered again",
                                n.tp(tp), c
                            ),
                            Some(c) => write!(
                                f,
                                "; the group's committed offset for {} is {}, so records from {} on will be delivered again",
                                n.tp(tp), c, c
                            ),
                        }
                    }
                    None => write!(f, " before processing anything; nothing was committed by it"),
                }
            }
            (C::ConsumerStateChanged { consumer, to: ConsumerState::Closed, .. }, _) => write!(
                f,
                "{} closed cleanly.",
                n.consumer(*consumer)
            ),
            (C::ConsumerStateChanged { consumer, .. }, _) => write!(
                f,
                "A new instance of {} started; it will join the group on its first poll and resume from the group's committed offsets.",
                n.consumer(*consumer)
            ),
            (C::RecordInFlight { producer, tp, .. }, _) => write!(
                f,
                "{} put a record in flight for {}.",
                n.producer(*producer), n.tp(*tp)
            ),
            (C::RecordAppended { tp, offset, .. }, _) => {
                write!(f, "A record was appended to {} at offset {}.", n.tp(*tp), offset)
            }
            (C::RetryDeduplicated { tp, original_offset, .. }, _) => write!(
                f,
                "The broker recognised a retry for {} and answered with the original offset {}.",
                n.tp(*tp), original_offset
            ),
            (C::TransactionsInitialised { producer, producer_id, .. }, R::EpochExhausted) => write!(
                f,
                "init_transactions(): the epoch of {}'s transactional.id had reached {}, the last the coordinator bumps, so it gave the transactional.id a new PID {} with epoch 0; every instance still using the old PID is now fenced (zombie fencing).",
                n.producer(*producer), Epoch::EXHAUSTED.0, producer_id.0
            ),
            (C::TransactionsInitialised { producer, producer_id, epoch, fenced_older }, _) => {
                write!(
                    f,
                    "init_transactions(): the transaction coordinator gave {} the PID {} of its transactional.id with epoch {}",
                    n.producer(*producer), producer_id.0, epoch.0
                )?;
                if *fenced_older {
                    write!(f, "; every instance still using an older epoch is now fenced (zombie fencing).")
                } else {
                    write!(f, ".")
                }
            }
            (C::InitIgnored { producer }, _) => write!(
                f,
                "{} called init_transactions() again; kafka-python silently does nothing: no new epoch, no fencing.",
                n.producer(*producer)
            ),
            (C::TransactionBegun { producer }, _) => write!(
                f,
                "{} began a transaction; only the client knows so far: the coordinator hears of it when the first partition or offsets are added.",
                n.producer(*producer)
            ),
            (C::TxnStateChanged { txn, from, to }, reason) => {
                write!(
                    f,
                    "The transaction coordinator moved transactional.id {} from {} to {}",
                    n.txn(*txn), from.name(), to.name()
                )?;
                match reason {
                    R::FenceOpenTransaction => write!(f, ": a new instance called init_transactions() while a transaction was open, so the coordinator bumps the epoch and aborts it."),
                    R::TxnTimedOut => write!(f, ": the transaction was open longer than transaction.timeout.ms, so the coordinator aborts it and bumps the epoch, fencing the slow producer."),
                    R::MarkersLanded => write!(f, ": every marker is written."),
                    R::TxnReset => write!(f, ": ready for the next transaction."),
                    _ => write!(f, "."),
                }
            }
            (C::PartitionAddedToTxn { producer, tp, implicit: false }, _) => write!(
                f,
                "Before the first write to {}, {} added it to its transaction (AddPartitionsToTxn), so the coordinator will write a marker there.",
                n.tp(*tp), n.producer(*producer)
            ),
            (C::PartitionAddedToTxn { producer, tp, implicit: true }, _) => write!(
                f,
                "{} joined {}'s transaction implicitly with the produce request (transaction.version 2).",
                n.tp(*tp), n.producer(*producer)
            ),
            (C::OffsetsAddedToTxn { producer, group }, _) => write!(
                f,
                "{} added group {}'s offsets partition to its transaction (AddOffsetsToTxn).",
                n.producer(*producer), n.group(*group)
            ),
            (C::OffsetPending { group, tp, offset }, _) => write!(
                f,
                "Group {} now has a pending offset {} for {}: invisible to offset fetches until the commit marker, dropped on abort.",
                n.group(*group), offset, n.tp(*tp)
            ),
            (C::MarkerWritten { tp, offset, commit, .. }, _) => write!(
                f,
                "The coordinator wrote the {} marker to {} at offset {}; it takes an offset but is never handed to a consumer.",
                if *commit { "COMMIT" } else { "ABORT" }, n.tp(*tp), offset
            ),
            (C::OffsetsMarkerWritten { group, commit, .. }, _) => write!(
                f,
                "The coordinator wrote the {} marker to group {}'s offsets partition too.",
                if *commit { "COMMIT" } else { "ABORT" }, n.group(*group)
            ),
            (C::PendingOffsetResolved { group, tp, offset, committed: true }, _) => write!(
                f,
                "With the commit marker, group {}'s pending offset {} for {} became its committed offset.",
                n.group(*group), offset, n.tp(*tp)
            ),
            (C::PendingOffsetResolved { group, tp, offset, committed: false }, _) => write!(
                f,
                "The abort threw away group {}'s pending offset {} for {}; the committed offset stays where it was.",
                n.group(*group), offset, n.tp(*tp)
            ),
            (C::NoEndTxn { producer, commit }, _) => write!(
                f,
                "{}'s transaction touched no partition and no offsets, so {} sent no EndTxn at all.",
                n.producer(*producer), if *commit { "commit_transaction()" } else { "abort_transaction()" }
            ),
            (C::TransactionEnded { producer, commit }, _) => write!(
                f,
                "The coordinator recorded {} and answered {}; the markers are written afterwards, so read_committed readers do not see the result yet.",
                if *commit { "PrepareCommit" } else { "PrepareAbort" }, n.producer(*producer)
            ),
            (C::ProducerEpochBumped { producer, producer_id, .. }, R::EpochExhausted) => write!(
                f,
                "transaction.version 2: {}'s epoch had reached {}, the last the coordinator bumps, so at the end of the transaction it gave {} a new PID {} with epoch 0; sequences restart at 0.",
                n.producer(*producer), Epoch::EXHAUSTED.0, n.producer(*producer), producer_id.0
            ),
            (C::ProducerEpochBumped { producer, epoch, .. }, _) => write!(
                f,
                "transaction.version 2: the coordinator bumped {}'s epoch to {} at the end of the transaction; sequences restart at 0.",
                n.producer(*producer), epoch.0
            ),
            (C::RequestFaultArmed { producer }, _) => write!(
                f,
                "Fault armed: {}'s next produce request will be lost on the way to the broker.",
                n.producer(*producer)
            ),
            (C::RequestLost { producer, tp, value }, _) => write!(
                f,
                "{}'s request with {} for {} was lost on the way to the broker; the producer will send it again.",
                n.producer(*producer), n.text(*value), n.tp(*tp)
            ),
            (C::ProduceFailed { producer, tp, value, error }, R::RetriedUntilTimeout { ms }) => write!(
                f,
                "{} for {} was not written ({}: {}). The error is retriable: {} tries again on its own, and the application hears nothing until delivery.timeout.ms ({} ms) has passed.",
                n.text(*value), n.tp(*tp), error.name(),
                if *error == StepError::LeaderNotAvailable { "the partition has no leader" } else { "fewer in-sync replicas than min.insync.replicas with acks=all" },
                n.producer(*producer), ms
            ),
            (C::ProduceFailed { tp, value, error, .. }, _) => {
                write!(f, "The write of {} to {} failed with {}", n.text(*value), n.tp(*tp), error.name())?;
                match error {
                    StepError::NotEnoughReplicas => write!(f, ": fewer in-sync replicas than min.insync.replicas with acks=all."),
                    StepError::RequestTimedOut => write!(f, ": delivery.timeout.ms passed before the write was acknowledged."),
                    StepError::LeaderNotAvailable => write!(f, ": the partition has no leader."),
                    StepError::InvalidProducerEpoch => write!(f, ": a newer epoch of this transactional.id exists, so this instance is a zombie."),
                    StepError::OutOfOrderSequence => write!(f, ": its sequence number does not follow the last one the broker accepted."),
                    _ => write!(f, "."),
                }
            }
            (C::AckWaiting { tp, offset, .. }, _) => write!(
                f,
                "With acks=all the leader of {} holds the answer for offset {} until every in-sync replica has it.",
                n.tp(*tp), offset
            ),
            (C::WaitingForPendingOffsets { consumer, tp }, _) => write!(
                f,
                "{} waits: its group has a pending transactional offset for {}, so the offset fetch answers \"unstable\" until the transaction ends.",
                n.consumer(*consumer), n.tp(*tp)
            ),
            (C::BrokerStateChanged { broker, alive: false }, _) => write!(f, "Broker {broker} crashed."),
            (C::BrokerStateChanged { broker, alive: true }, _) => write!(f, "Broker {broker} started again."),
            (C::LeaderChanged { tp, from, to: Some(to), unclean }, _) => {
                write!(f, "Broker {} became the leader of {} (was {})", to, n.tp(*tp), OptBroker(*from))?;
                if *unclean {
                    write!(f, ": an unclean election, it was not in sync, so acknowledged records can be lost.")
                } else {
                    write!(f, ".")
                }
            }
            (C::LeaderChanged { tp, .. }, _) => write!(
                f,
                "{} has no leader: no in-sync replica is alive (and unclean election is off), so it is offline.",
                n.tp(*tp)
            ),
            (C::IsrChanged { tp, broker, joined: true }, _) => write!(
                f,
                "Broker {} caught up and rejoined the in-sync replicas of {}.",
                broker, n.tp(*tp)
            ),
            (C::IsrChanged { tp, broker, joined: false }, reason) => write!(
                f,
                "Broker {} left the in-sync replicas of {}{}",
                broker, n.tp(*tp),
                if reason == R::ReplicaLagging { ": it lagged longer than replica.lag.time.max.ms." } else { ": it is down." }
            ),
            (C::LogTruncated { tp, broker: None, to, removed, .. }, _) => write!(
                f,
                "The new leader's log of {} ends at offset {}, so {} entr{} after it are gone.",
                n.tp(*tp), to, removed, if *removed == 1 { "y" } else { "ies" }
            ),
            (C::LogTruncated { tp, broker: Some(b), to, removed, .. }, _) => write!(
                f,
                "Broker {} truncated its copy of {} to offset {} ({} entr{} the leader does not have), then caught up (KIP-101).",
                b, n.tp(*tp), to, removed, if *removed == 1 { "y" } else { "ies" }
            ),
            (C::ReplicationToggled { broker, paused }, _) => {
                let who = match broker {
                    Some(b) => format!("Broker {b}"),
                    None => "Every follower".to_owned(),
                };
                if *paused {
                    write!(f, "{who} stopped copying from the leaders.")
                } else {
                    write!(f, "{who} copies from the leaders again.")
                }
            }
            (C::Nothing, R::FlushNothing) => write!(f, "Nothing was in flight, so flush had nothing to wait for."),
            (C::Nothing, _) => write!(f, "Nothing changed."),
        }
    }
}

fn write_cause(f: &mut fmt::Formatter<'_>, n: &Names<'_>, cause: RebalanceCause) -> fmt::Result {
    match cause {
        RebalanceCause::Joined(c) => write!(f, " because {} joined", n.consumer(c)),
        RebalanceCause::Left(c) => write!(f, " because {} left", n.consumer(c)),
        RebalanceCause::SessionExpired(c) => {
            write!(f, " because {}'s session expired", n.consumer(c))
        }
        RebalanceCause::PollTimeout(c) => {
            write!(f, " because {} left after a late poll", n.consumer(c))
        }
        RebalanceCause::Revoked => {
            write!(f, " to hand out the partitions revoked in the first round")
        }
    }
}

fn write_partitions(
    f: &mut fmt::Formatter<'_>,
    n: &Names<'_>,
    parts: &[TopicPartition],
) -> fmt::Result {
    for (j, tp) in parts.iter().enumerate() {
        write!(f, "{}{}", if j == 0 { "" } else { ", " }, n.tp(*tp))?;
    }
    Ok(())
}

struct OptBroker(Option<u16>);

impl fmt::Display for OptBroker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(b) => write!(f, "broker {b}"),
            None => write!(f, "none"),
        }
    }
}

struct OptOffset(Option<Offset>);

impl fmt::Display for OptOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(o) => write!(f, "{o}"),
            None => write!(f, "none"),
        }
    }
}

struct Ordinal(u32);

impl fmt::Display for Ordinal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        let suffix = match (n % 10, n % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        write!(f, "{n}{suffix}")
    }
}
