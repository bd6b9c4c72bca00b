//! What a step changed (structured data) and why; `sentence.rs` renders an event, lazily, as one sentence
//! for a learner.

use crate::consumer::ConsumerState;
use crate::error::StepError;
use crate::ids::{ClientIdx, Epoch, GroupIdx, MessageId, Offset, ProducerId, TopicPartition};
use crate::partition_log::LogEntry;
use crate::producer::ProducerState;
use crate::transaction_coordinator::TxnState;

/// Where a consumer's position came from when it was (re)initialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionSource {
    Committed,
    ResetEarliest,
    ResetLatest,
}

/// Why a group rebalanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebalanceCause {
    Joined(ClientIdx),
    Left(ClientIdx),
    SessionExpired(ClientIdx),
    /// The member did not poll within max.poll.interval.ms and left (G1).
    PollTimeout(ClientIdx),
    /// The second rebalance of the cooperative protocol: the revoked partitions are handed out (G2).
    Revoked,
}

/// Why an offset was committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitCause {
    /// Auto-commit inside `poll()` (kafka-python: when the iterator fetches a new batch).
    AutoInPoll,
    AutoOnClose,
    AutoBeforeRebalance,
    /// The rebalance listener's revocation hook (G4).
    OnRevoke,
    /// `commit()` without arguments: the positions (C3).
    Positions,
    /// `commit(offsets)`.
    Explicit,
}

/// One thing that changed, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    ProducerIdAssigned {
        producer: ClientIdx,
        producer_id: ProducerId,
        epoch: Epoch,
    },
    RecordInFlight {
        producer: ClientIdx,
        tp: TopicPartition,
        value: MessageId,
        sequence: Option<u32>,
    },
    RecordAppended {
        producer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        value: MessageId,
    },
    RetryDeduplicated {
        producer: ClientIdx,
        tp: TopicPartition,
        original_offset: Offset,
    },
    SendFailed {
        producer: ClientIdx,
        tp: TopicPartition,
        value: MessageId,
    },
    ProduceRejected {
        producer: ClientIdx,
        tp: TopicPartition,
        value: MessageId,
    },
    FaultArmed {
        producer: ClientIdx,
    },
    InFlightDropped {
        producer: ClientIdx,
        records: u32,
    },
    ProducerStateChanged {
        producer: ClientIdx,
        from: ProducerState,
        to: ProducerState,
    },
    ClockAdvanced {
        from_ms: u64,
        to_ms: u64,
    },
    MemberJoined {
        group: GroupIdx,
        consumer: ClientIdx,
    },
    /// The member's poll returns nothing: the rebalance waits for `holder` — a crashed member until its
    /// session expires at `expires_at_ms`, or a live member that has not rejoined yet (`None`).
    MemberWaiting {
        group: GroupIdx,
        consumer: ClientIdx,
        holder: ClientIdx,
        expires_at_ms: Option<u64>,
    },
    RebalanceStarted {
        group: GroupIdx,
        /// Every member rebalances cooperatively: they keep consuming what they own meanwhile (G2).
        cooperative: bool,
    },
    MemberRejoined {
        group: GroupIdx,
        consumer: ClientIdx,
        /// Rejoined keeping its partitions (the cooperative protocol).
        kept: bool,
    },
    /// A static member's new instance took its place without a rebalance (G5).
    StaticMemberReturned {
        group: GroupIdx,
        consumer: ClientIdx,
        assigned: Vec<TopicPartition>,
    },
    /// A static member stopped (close or poll timeout) without leaving: the group keeps its partitions for
    /// it until `expires_at_ms` (G5).
    StaticMemberAway {
        group: GroupIdx,
        consumer: ClientIdx,
        expires_at_ms: u64,
    },
    /// The member's partitions were taken away while its loop still held records of them.
    PartitionsRevoked {
        consumer: ClientIdx,
        partitions: Vec<TopicPartition>,
        /// Received, not yet processed, records of those partitions still in the application's hands.
        in_hand: u32,
    },
    /// A commit from a consumer that is no longer a member of its group (G3).
    CommitRefused {
        group: GroupIdx,
        consumer: ClientIdx,
    },
    /// The joining member shares no assignor with the group's members.
    JoinRefused {
        group: GroupIdx,
        consumer: ClientIdx,
    },
    MemberRemoved {
        group: GroupIdx,
        consumer: ClientIdx,
    },
    GroupRebalanced {
        group: GroupIdx,
        generation: u32,
        assignment: Vec<(ClientIdx, Vec<TopicPartition>)>,
        /// Cooperative: the partitions each member gives up now, handed out in a second rebalance.
        revoked: Vec<(ClientIdx, Vec<TopicPartition>)>,
    },
    PositionInitialised {
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        source: PositionSource,
    },
    PositionMoved {
        consumer: ClientIdx,
        tp: TopicPartition,
        from: Option<Offset>,
        to: Offset,
    },
    RecordsFetched {
        consumer: ClientIdx,
        records: u32,
    },
    RecordDelivered {
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        value: MessageId,
    },
    NoRecords {
        consumer: ClientIdx,
    },
    RecordProcessed {
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        value: MessageId,
        times: u32,
    },
    ProcessingFailed {
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        value: MessageId,
    },
    /// An idempotent step found the message already applied by its group and left the database alone.
    ProcessingSkipped {
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        value: MessageId,
    },
    OffsetCommitted {
        group: GroupIdx,
        consumer: ClientIdx,
        tp: TopicPartition,
        from: Option<Offset>,
        to: Offset,
        cause: CommitCause,
    },
    NothingToCommit {
        consumer: ClientIdx,
    },
    BufferDropped {
        consumer: ClientIdx,
        tp: TopicPartition,
        records: u32,
    },
    ConsumerStateChanged {
        consumer: ClientIdx,
        from: ConsumerState,
        to: ConsumerState,
    },
    /// `init_transactions()` answered: the transactional.id's PID and the (bumped) epoch (T1).
    TransactionsInitialised {
        producer: ClientIdx,
        producer_id: ProducerId,
        epoch: Epoch,
        /// An earlier epoch existed: every instance still holding it is now fenced.
        fenced_older: bool,
    },
    /// A second `init_transactions()` under kafka-python: nothing happens (T10).
    InitIgnored {
        producer: ClientIdx,
    },
    /// `begin_transaction()`: only the client's state changes (T3: the coordinator learns at the first add).
    TransactionBegun {
        producer: ClientIdx,
    },
    /// The coordinator's state for a transactional.id moved (T3). `txn` indexes `Setup::transactional_ids`.
    TxnStateChanged {
        txn: u16,
        from: TxnState,
        to: TxnState,
    },
    /// AddPartitionsToTxn (T4), or the implicit add of transaction.version 2 (T11).
    PartitionAddedToTxn {
        producer: ClientIdx,
        tp: TopicPartition,
        implicit: bool,
    },
    /// AddOffsetsToTxn: the group's offsets partition joins the transaction (T5).
    OffsetsAddedToTxn {
        producer: ClientIdx,
        group: GroupIdx,
    },
    /// TxnOffsetCommit: an offset written as pending (T5).
    OffsetPending {
        group: GroupIdx,
        tp: TopicPartition,
        offset: Offset,
    },
    /// A COMMIT/ABORT control marker took one offset (T7).
    MarkerWritten {
        txn: u16,
        tp: TopicPartition,
        offset: Offset,
        commit: bool,
    },
    /// The marker in the group's offsets partition (modelled abstractly, T7).
    OffsetsMarkerWritten {
        txn: u16,
        group: GroupIdx,
        commit: bool,
    },
    /// The commit marker made a pending offset committed, or the abort marker dropped it (T5).
    PendingOffsetResolved {
        group: GroupIdx,
        tp: TopicPartition,
        offset: Offset,
        committed: bool,
    },
    /// commit/abort of a transaction that touched nothing: no EndTxn is sent (T6).
    NoEndTxn {
        producer: ClientIdx,
        commit: bool,
    },
    /// The client's end of the transaction was answered (the markers come later, T6).
    TransactionEnded {
        producer: ClientIdx,
        commit: bool,
    },
    /// transaction.version 2: the coordinator bumped the epoch at the end of the transaction (T11).
    ProducerEpochBumped {
        producer: ClientIdx,
        producer_id: ProducerId,
        epoch: Epoch,
    },
    /// Fault armed by `lose_next_request`.
    RequestFaultArmed {
        producer: ClientIdx,
    },
    /// Fault: a produce request was lost on the way to the broker; the producer will send it again.
    RequestLost {
        producer: ClientIdx,
        tp: TopicPartition,
        value: MessageId,
    },
    /// A produce request failed for good (or the step failed) with this error.
    ProduceFailed {
        producer: ClientIdx,
        tp: TopicPartition,
        value: MessageId,
        error: StepError,
    },
    /// acks=all: the leader waits for the ISR before it answers (D1).
    AckWaiting {
        producer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
    },
    /// The consumer cannot start a partition while its group has a pending transactional offset (T5).
    WaitingForPendingOffsets {
        consumer: ClientIdx,
        tp: TopicPartition,
    },
    BrokerStateChanged {
        broker: u16,
        alive: bool,
    },
    LeaderChanged {
        tp: TopicPartition,
        from: Option<u16>,
        to: Option<u16>,
        unclean: bool,
    },
    IsrChanged {
        tp: TopicPartition,
        broker: u16,
        joined: bool,
    },
    /// Entries from `to` on were removed (a shorter leader's log wins, D3/D4; KIP-101 for a returning replica).
    LogTruncated {
        tp: TopicPartition,
        broker: Option<u16>,
        to: Offset,
        removed: u32,
        /// The entries removed, oldest first, so a view can show what went (not part of the JSON output).
        entries: Vec<LogEntry>,
    },
    ReplicationToggled {
        broker: Option<u16>,
        paused: bool,
    },
    /// The Java client's transaction failed with an abortable error (T1): only an abort goes on.
    TransactionDoomed {
        producer: ClientIdx,
        error: StepError,
    },
    Nothing,
}

/// Why it changed: the part of the sentence a learner needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// InitProducerId on the first write of an idempotent producer (P1).
    FirstIdempotentWrite,
    Send {
        keyed: bool,
        chosen_by_partitioner: bool,
    },
    Delivered,
    DeliveredAcksZero,
    /// The broker appended but the answer was lost (P6).
    AckLost {
        will_retry: bool,
    },
    /// Non-idempotent retry: a second copy (P6).
    RetryAppendedCopy,
    /// Idempotent retry recognised (P3).
    RetryRecognised {
        producer_id: ProducerId,
        sequence: u32,
    },
    NoRetries,
    /// A retriable refusal the client keeps retrying until delivery.timeout.ms (D2).
    RetriedUntilTimeout {
        ms: u64,
    },
    SequenceRejected,
    EpochRejected,
    FlushNothing,
    LoseAckArmed,
    ProducerCrashed,
    /// An abort drops what is still waiting out linger.ms (T6).
    AbortDropsUnsent,
    ProducerRestarted {
        idempotent: bool,
    },
    /// A new instance of a producer with a transactional.id.
    ProducerRestartedTransactional,
    ClockMoved,
    JoinOnFirstPoll,
    WaitingForRebalance,
    Rejoin,
    SessionExpired,
    /// The client's heartbeat thread left the group: no poll within max.poll.interval.ms (G1).
    PollIntervalExceeded,
    LeftGroup,
    /// A member that was removed commits (G3), or loses its partitions at its next poll.
    NotAMember,
    NoCommonAssignor,
    Rebalance(RebalanceCause),
    PositionFromGroup,
    FetchedForIterator,
    /// kafka-python: position = offset + 1 just before yielding (C1).
    IteratorYield,
    /// java: the whole batch is handed out, position jumps past it (C1).
    BatchReturned,
    CaughtUp,
    /// The fetch found only markers or aborted records: the position moves past them (C8).
    SkippedNonRecords,
    WaitingForAssignment,
    Processed,
    ProcessingRaised,
    AlreadyApplied,
    Commit,
    NothingAssigned,
    SeekMoved,
    SeekDroppedBuffer,
    ConsumerCrashed {
        /// The last record this instance processed (or failed), if any.
        last: Option<(TopicPartition, Offset)>,
        /// The group's committed offset for that record's partition, if any.
        committed: Option<Offset>,
    },
    ConsumerClosed,
    ConsumerRestarted,
    /// A transactional producer's request was refused with this error: it is fenced (T1, T9).
    Fenced(StepError),
    /// kafka-python asks the coordinator to bump the epoch its send was refused for (T1).
    EpochBump,
    /// The coordinator refused that bump: a newer instance holds the transactional.id (T1).
    EpochBumpRefused,
    /// The epoch had reached `Epoch::EXHAUSTED`: the coordinator gave the transactional.id a new producer id
    /// at epoch 0 instead of bumping (T1, T11).
    EpochExhausted,
    /// The transaction coordinator refused the producer's InitProducerId for good.
    InitRefused(StepError),
    /// The coordinator moved the state because of a client request (T3, T6).
    TxnRequest,
    /// The markers of a prepared transaction were written by the coordinator (T6).
    MarkersLanded,
    /// init_transactions found the transaction Ongoing and aborts it first (T2).
    FenceOpenTransaction,
    /// The coordinator's periodic scan found the transaction older than transaction.timeout.ms (T9).
    TxnTimedOut,
    /// A new epoch starts a fresh transaction record (Complete* → Empty).
    TxnReset,
    /// Nothing more to say than the change.
    Plain,
    /// The follower stopped fetching for longer than replica.lag.time.max.ms (D1).
    ReplicaLagging,
    /// The broker crashed or stopped (D3).
    BrokerDown,
    /// The broker returned or the follower resumed and caught up with the leader.
    CaughtUpWithLeader,
    /// Leader election after a crash (D3), unclean if enabled (D4).
    Election,
}

/// One effect of a step: what changed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub change: Change,
    pub reason: Reason,
}

impl Event {
    pub fn new(change: Change, reason: Reason) -> Self {
        Self { change, reason }
    }
}
