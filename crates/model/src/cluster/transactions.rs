//! Transactions (T1–T11): the transactional producer's calls and what the transaction coordinator does
//! with them — epochs and fencing, partitions and offsets joining, EndTxn, the markers, the timeout scan.

use super::Cluster;
use crate::config::Flavor;
use crate::error::StepError;
use crate::event::{Change, Event, Reason};
use crate::ids::{ClientIdx, Epoch, TopicPartition};
use crate::producer::ProducerState;
use crate::transaction_coordinator::{
    PendingOffset, TransactionMetadata, TxnState, TRANSACTION_MAX_TIMEOUT_MS,
};

impl Cluster {
    fn txn_index(&self, producer: ClientIdx) -> Result<usize, StepError> {
        self.producer_spec(producer)
            .txn
            .map(|i| i as usize)
            .ok_or(StepError::IllegalState)
    }

    /// A usable transactional producer with a transaction begun: what sending offsets and ending need (T10).
    fn producer_in_transaction(&self, producer: ClientIdx) -> Result<(), StepError> {
        self.producer_usable(producer)?;
        self.txn_index(producer)?;
        if self.producer(producer).state != ProducerState::InTransaction {
            return Err(StepError::IllegalState);
        }
        Ok(())
    }

    /// Move the coordinator's state (T3) with an event; an illegal move is a step error.
    fn txn_move(
        &mut self,
        ti: usize,
        to: TxnState,
        reason: Reason,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let m = self.txns[ti].as_mut().ok_or(StepError::InvalidTxnState)?;
        let from = m.transition(to)?;
        if to == TxnState::Ongoing {
            m.started_ms = self.now_ms;
        }
        out.push(Event::new(
            Change::TxnStateChanged {
                txn: ti as u16,
                from,
                to,
            },
            reason,
        ));
        Ok(())
    }

    /// The instance is fenced for good (T1): nothing it holds will ever be written.
    pub(super) fn fence(&mut self, producer: ClientIdx, error: StepError, out: &mut Vec<Event>) {
        self.move_producer(producer, ProducerState::Fenced, Reason::Fenced(error), out);
    }

    /// kafka-python's answer to a send refused for its epoch (T1): it asks the coordinator for a higher one.
    pub(super) fn start_epoch_bump(&mut self, producer: ClientIdx, out: &mut Vec<Event>) {
        self.move_producer(
            producer,
            ProducerState::BumpingEpoch,
            Reason::EpochBump,
            out,
        );
    }

    /// The coordinator answers every pending epoch bump: a newer instance holds the epoch, so it refuses (T1).
    pub(super) fn refuse_epoch_bumps(&mut self, out: &mut Vec<Event>) {
        for i in 0..self.producers.len() {
            let producer = ClientIdx(i as u16);
            if self.producer(producer).state == ProducerState::BumpingEpoch {
                self.move_producer(
                    producer,
                    ProducerState::Fenced,
                    Reason::EpochBumpRefused,
                    out,
                );
            }
        }
    }

    fn move_producer(
        &mut self,
        producer: ClientIdx,
        to: ProducerState,
        reason: Reason,
        out: &mut Vec<Event>,
    ) {
        let p = self.producer_mut(producer);
        if p.state == ProducerState::Fenced {
            return;
        }
        let from = p.state;
        p.state = to;
        p.in_flight.clear();
        out.push(Event::new(
            Change::ProducerStateChanged { producer, from, to },
            reason,
        ));
    }

    /// The coordinator checks the producer's epoch on every request (T1, T9).
    fn check_epoch(
        &mut self,
        producer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<usize, StepError> {
        let ti = self.txn_index(producer)?;
        let current = self.txns[ti].as_ref().map(|m| (m.producer_id, m.epoch));
        let mine = self.producer(producer).producer_id;
        match (mine, current) {
            (Some((pid, epoch)), Some((cpid, cepoch))) if pid == cpid && epoch >= cepoch => Ok(ti),
            _ => {
                self.fence(producer, StepError::ProducerFenced, out);
                Err(StepError::ProducerFenced)
            }
        }
    }

    /// The first add of a transaction moves the coordinator to Ongoing.
    fn ensure_ongoing(&mut self, ti: usize, out: &mut Vec<Event>) -> Result<(), StepError> {
        let state = self.txns[ti].as_ref().map(|m| m.state);
        match state {
            Some(TxnState::Ongoing) => Ok(()),
            Some(TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort) => {
                self.txn_move(ti, TxnState::Ongoing, Reason::TxnRequest, out)
            }
            // Markers still to be written (CONCURRENT_TRANSACTIONS in Kafka; the model writes them at the
            // start of every step, so this is only reached while a partition has no leader).
            _ => Err(StepError::InvalidTxnState),
        }
    }

    /// T4 (AddPartitionsToTxn), or the implicit add of transaction.version 2 (T11).
    pub(super) fn add_partition_to_txn(
        &mut self,
        producer: ClientIdx,
        tp: TopicPartition,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let ti = self.check_epoch(producer, out)?;
        self.ensure_ongoing(ti, out)?;
        if let Some(m) = self.txns[ti].as_mut() {
            m.partitions.insert(tp);
        }
        self.producer_mut(producer).txn_partitions.insert(tp);
        out.push(Event::new(
            Change::PartitionAddedToTxn {
                producer,
                tp,
                implicit: self.transaction_version(producer) == 2,
            },
            Reason::Plain,
        ));
        Ok(())
    }

    /// T11: a produce request of transaction version 2 adds its partition to the transaction; the leader first
    /// has the coordinator check the epoch.
    pub(super) fn join_with_produce(
        &mut self,
        producer: ClientIdx,
        tp: TopicPartition,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let ti = self.txn_index(producer)?;
        let Some(m) = self.txns[ti].as_ref() else {
            return Err(StepError::InvalidTxnState);
        };
        if m.partitions.contains(&tp) {
            return Ok(());
        }
        match self.producer(producer).producer_id {
            Some((pid, epoch)) if pid == m.producer_id && epoch >= m.epoch => {}
            _ => return Err(StepError::InvalidProducerEpoch),
        }
        self.ensure_ongoing(ti, out)?;
        if let Some(m) = self.txns[ti].as_mut() {
            m.partitions.insert(tp);
        }
        out.push(Event::new(
            Change::PartitionAddedToTxn {
                producer,
                tp,
                implicit: true,
            },
            Reason::Plain,
        ));
        Ok(())
    }

    pub(super) fn transaction_version(&self, producer: ClientIdx) -> u8 {
        self.producer_spec(producer)
            .config
            .transaction_version
            .unwrap_or(self.setup.transaction_version)
    }

    /// T1, T2, T10.
    pub(super) fn producer_init_transactions(
        &mut self,
        producer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_usable(producer)?;
        let ti = self.txn_index(producer)?;
        if self.producer(producer).transactions_initialised {
            // T10.
            return match self.setup.flavor {
                Flavor::Java => Err(StepError::IllegalState),
                Flavor::KafkaPython => {
                    out.push(Event::new(Change::InitIgnored { producer }, Reason::Plain));
                    Ok(())
                }
            };
        }
        let timeout = self.producer_spec(producer).config.transaction_timeout_ms;
        if timeout > TRANSACTION_MAX_TIMEOUT_MS {
            // Both clients then stay in an error state: every transactional call fails with it.
            let error = StepError::InvalidTransactionTimeout;
            let p = self.producer_mut(producer);
            let from = p.state;
            p.state = ProducerState::Error;
            p.fatal = Some(error);
            out.push(Event::new(
                Change::ProducerStateChanged {
                    producer,
                    from,
                    to: ProducerState::Error,
                },
                Reason::InitRefused(error),
            ));
            return Err(error);
        }
        let mut rotated = false;
        let fenced_older = match self.txns[ti].as_ref().map(|m| m.state) {
            None => {
                let pid = self.new_producer_id();
                let id = self.setup.transactional_ids[ti].clone();
                self.txns[ti] = Some(TransactionMetadata::new(id, pid, timeout));
                false
            }
            Some(state) => {
                if state.is_prepared() {
                    // T2: a transaction in PrepareCommit (or PrepareAbort) is completed, not aborted.
                    self.write_markers(ti, out);
                    if self.txns[ti]
                        .as_ref()
                        .is_some_and(|m| m.state.is_prepared())
                    {
                        return Err(StepError::InvalidTxnState);
                    }
                }
                if state == TxnState::Ongoing {
                    // T2: fence the open transaction's epoch and abort it first.
                    self.fence_and_abort(ti, Reason::FenceOpenTransaction, out)?;
                }
                let state = self.txns[ti].as_ref().map(|m| m.state);
                if matches!(
                    state,
                    Some(TxnState::CompleteCommit | TxnState::CompleteAbort)
                ) {
                    self.txn_move(ti, TxnState::Empty, Reason::TxnReset, out)?;
                }
                let exhausted = self.txns[ti]
                    .as_ref()
                    .is_some_and(|m| m.epoch.is_exhausted());
                let rotated_to = exhausted.then(|| self.new_producer_id());
                rotated = rotated_to.is_some();
                if let Some(m) = self.txns[ti].as_mut() {
                    m.timeout_ms = timeout;
                    match rotated_to {
                        Some(pid) => {
                            m.producer_id = pid;
                            m.epoch = Epoch(0);
                        }
                        None => m.epoch = m.epoch.bumped(),
                    }
                }
                true
            }
        };
        let m = self.txns[ti].as_ref().ok_or(StepError::InvalidTxnState)?;
        let (pid, epoch) = (m.producer_id, m.epoch);
        let p = self.producer_mut(producer);
        p.producer_id = Some((pid, epoch));
        p.next_sequence.clear();
        p.transactions_initialised = true;
        p.txn_partitions.clear();
        p.txn_groups.clear();
        out.push(Event::new(
            Change::TransactionsInitialised {
                producer,
                producer_id: pid,
                epoch,
                fenced_older,
            },
            if rotated {
                Reason::EpochExhausted
            } else {
                Reason::Plain
            },
        ));
        Ok(())
    }

    pub(super) fn producer_begin_transaction(
        &mut self,
        producer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_usable(producer)?;
        self.txn_index(producer)?;
        let p = self.producer_mut(producer);
        if !p.transactions_initialised || p.state == ProducerState::InTransaction {
            return Err(StepError::IllegalState);
        }
        p.state = ProducerState::InTransaction;
        p.txn_partitions.clear();
        p.txn_groups.clear();
        out.push(Event::new(
            Change::TransactionBegun { producer },
            Reason::Plain,
        ));
        Ok(())
    }

    /// T5: the consumer's positions for its group become pending offsets of the transaction.
    pub(super) fn producer_send_offsets(
        &mut self,
        producer: ClientIdx,
        consumer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_in_transaction(producer)?;
        self.consumer_running(consumer)?;
        let g = self.group_of(consumer);
        let ti = self.check_epoch(producer, out)?;
        if !self.producer(producer).txn_groups.contains(&g) {
            self.ensure_ongoing(ti, out)?;
            if let Some(m) = self.txns[ti].as_mut() {
                m.groups.insert(g);
            }
            self.producer_mut(producer).txn_groups.insert(g);
            out.push(Event::new(
                Change::OffsetsAddedToTxn { producer, group: g },
                Reason::Plain,
            ));
        }
        let assigned = self.assignment(consumer).to_vec();
        for tp in assigned {
            let Some(&offset) = self.consumer(consumer).positions.get(&tp) else {
                continue;
            };
            if let Some(m) = self.txns[ti].as_mut() {
                m.pending_offsets.retain(|p| !(p.group == g && p.tp == tp));
                m.pending_offsets.push(PendingOffset {
                    group: g,
                    tp,
                    offset,
                });
            }
            self.group_mut(g).pending.insert(tp, offset);
            out.push(Event::new(
                Change::OffsetPending {
                    group: g,
                    tp,
                    offset,
                },
                Reason::Plain,
            ));
        }
        Ok(())
    }

    /// T6: flush, then EndTxn (PrepareCommit/PrepareAbort) and the answer; the markers come later.
    pub(super) fn producer_end_transaction(
        &mut self,
        producer: ClientIdx,
        commit: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_in_transaction(producer)?;
        if let Some(e) = self.producer(producer).abortable.filter(|_| commit) {
            return Err(e);
        }
        if !commit {
            self.drop_unsent(producer, out);
        }
        if !self.producer(producer).in_flight.is_empty() {
            if let Err(e) = self.producer_flush(producer, out) {
                // A failed send makes the commit fail (the application must abort); an abort goes on.
                if commit || self.producer(producer).state == ProducerState::Fenced {
                    return Err(e);
                }
            }
        }
        let p = self.producer(producer);
        if p.txn_partitions.is_empty() && p.txn_groups.is_empty() {
            self.producer_mut(producer).state = ProducerState::Ready;
            out.push(Event::new(
                Change::NoEndTxn { producer, commit },
                Reason::Plain,
            ));
            return Ok(());
        }
        let ti = self.check_epoch(producer, out)?;
        let to = if commit {
            TxnState::PrepareCommit
        } else {
            TxnState::PrepareAbort
        };
        // T11: under version 2 an abort may find nothing of its transaction at the coordinator (its records
        // were dropped unsent); the EndTxn still ends it, with no partition to mark, and bumps the epoch.
        self.txn_move(ti, to, Reason::TxnRequest, out)?;
        if self.transaction_version(producer) == 2 {
            // T11: the epoch is bumped on every commit/abort; the markers carry the new epoch. An exhausted
            // epoch gives the producer a new id at once, the coordinator once the markers are written.
            let exhausted = self.txns[ti]
                .as_ref()
                .is_some_and(|m| m.epoch.is_exhausted());
            let next = exhausted.then(|| self.new_producer_id());
            if let Some(m) = self.txns[ti].as_mut() {
                m.epoch = m.epoch.bumped();
                m.next_producer_id = next;
                let (ids, reason) = match next {
                    Some(pid) => ((pid, Epoch(0)), Reason::EpochExhausted),
                    None => ((m.producer_id, m.epoch), Reason::Plain),
                };
                let p = self.producer_mut(producer);
                p.producer_id = Some(ids);
                p.next_sequence.clear();
                out.push(Event::new(
                    Change::ProducerEpochBumped {
                        producer,
                        producer_id: ids.0,
                        epoch: ids.1,
                    },
                    reason,
                ));
            }
        }
        let p = self.producer_mut(producer);
        p.state = ProducerState::Ready;
        p.abortable = None;
        p.txn_partitions.clear();
        p.txn_groups.clear();
        out.push(Event::new(
            Change::TransactionEnded { producer, commit },
            Reason::Plain,
        ));
        Ok(())
    }

    /// Write the markers of every transaction waiting in PrepareCommit/PrepareAbort (T6).
    pub(super) fn complete_prepared(&mut self, out: &mut Vec<Event>) {
        for ti in 0..self.txns.len() {
            if self.txns[ti]
                .as_ref()
                .is_some_and(|m| m.state.is_prepared())
            {
                self.write_markers(ti, out);
            }
        }
    }

    /// T7: one marker in every touched partition and in the groups' offsets partitions; pending offsets
    /// become committed or are dropped (T5); then Complete*. Waits while a touched partition has no leader.
    pub(super) fn write_markers(&mut self, ti: usize, out: &mut Vec<Event>) {
        let Some(m) = self.txns[ti].as_mut() else {
            return;
        };
        let commit = m.state == TxnState::PrepareCommit;
        let partitions: Vec<TopicPartition> = m.partitions.iter().copied().collect();
        if partitions.iter().any(|tp| self.log(*tp).leader.is_none()) {
            return;
        }
        let m = self.txns[ti].as_mut().expect("checked above");
        let (pid, epoch) = (m.producer_id, m.epoch);
        let groups: Vec<_> = m.groups.iter().copied().collect();
        let pending = std::mem::take(&mut m.pending_offsets);
        m.partitions.clear();
        m.groups.clear();
        let now = self.now_ms;
        for tp in partitions {
            let log = self.log_mut(tp);
            let (offset, resolved) = log.write_marker(pid, epoch, commit);
            log.replicate(now);
            if commit {
                for v in resolved {
                    self.ledger.record_acknowledged(v);
                }
            }
            out.push(Event::new(
                Change::MarkerWritten {
                    txn: ti as u16,
                    tp,
                    offset,
                    commit,
                },
                Reason::MarkersLanded,
            ));
        }
        for g in groups {
            out.push(Event::new(
                Change::OffsetsMarkerWritten {
                    txn: ti as u16,
                    group: g,
                    commit,
                },
                Reason::MarkersLanded,
            ));
            for p in pending.iter().filter(|p| p.group == g) {
                let group = self.group_mut(g);
                if group.pending.get(&p.tp) == Some(&p.offset) {
                    group.pending.remove(&p.tp);
                }
                if commit {
                    group.committed.insert(p.tp, p.offset);
                }
                out.push(Event::new(
                    Change::PendingOffsetResolved {
                        group: g,
                        tp: p.tp,
                        offset: p.offset,
                        committed: commit,
                    },
                    Reason::MarkersLanded,
                ));
            }
        }
        let to = if commit {
            TxnState::CompleteCommit
        } else {
            TxnState::CompleteAbort
        };
        let _ = self.txn_move(ti, to, Reason::MarkersLanded, out);
        if let Some(m) = self.txns[ti].as_mut() {
            if let Some(next) = m.next_producer_id.take() {
                m.producer_id = next;
                m.epoch = Epoch(0);
            }
        }
    }

    /// T2/T9: Ongoing → PrepareEpochFence (epoch + 1) → PrepareAbort → abort markers → CompleteAbort.
    fn fence_and_abort(
        &mut self,
        ti: usize,
        reason: Reason,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.txn_move(ti, TxnState::PrepareEpochFence, reason, out)?;
        if let Some(m) = self.txns[ti].as_mut() {
            m.epoch = m.epoch.bumped();
        }
        self.txn_move(ti, TxnState::PrepareAbort, Reason::TxnRequest, out)?;
        self.write_markers(ti, out);
        Ok(())
    }

    /// T9: the scan runs every `transaction.abort.timed.out.transaction.cleanup.interval.ms` on the logical
    /// clock; a transaction Ongoing for longer than its `transaction.timeout.ms` at a scan is aborted.
    pub(super) fn abort_timed_out_transactions(&mut self, from_ms: u64, out: &mut Vec<Event>) {
        let interval = self.setup.txn_cleanup_interval_ms.max(1);
        let now = self.now_ms;
        let mut due: Vec<(u64, usize)> = Vec::new();
        for (ti, m) in self.txns.iter().enumerate() {
            let Some(m) = m else { continue };
            if m.state != TxnState::Ongoing {
                continue;
            }
            let deadline = m.started_ms.saturating_add(m.timeout_ms);
            // The first scan strictly after the deadline, and not before the clock started moving.
            let scan = (deadline / interval + 1).saturating_mul(interval);
            let first_scan_in_step = (from_ms / interval + 1).saturating_mul(interval);
            let at = scan.max(first_scan_in_step);
            if at <= now {
                due.push((at, ti));
            }
        }
        due.sort_unstable();
        for (_, ti) in due {
            let _ = self.fence_and_abort(ti, Reason::TxnTimedOut, out);
        }
    }
}
