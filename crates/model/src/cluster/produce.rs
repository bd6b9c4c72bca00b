//! The producer's side of Produce (P1–P6, D1–D2 as the client sees them): `send` puts a record in flight,
//! `flush` delivers what is in flight with its retries and acks, faults lose an answer or a request, and a
//! crash or restart ends or starts an instance.

use super::Cluster;
use crate::config::{Acks, Flavor};
use crate::error::StepError;
use crate::event::{Change, Event, Reason};
use crate::ids::{ClientIdx, Epoch, MessageId, ProducerId, TopicIdx, TopicPartition};
use crate::murmur2::partition_for_key;
use crate::partition_log::{Append, BatchId, PartitionLog};
use crate::producer::{InFlight, ProducerState};

impl Cluster {
    /// `send` of the explorer's next generated order (`ProducerSendNextOrder`).
    pub(super) fn producer_send_next_order(
        &mut self,
        producer: ClientIdx,
        topic: TopicIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_usable(producer)?;
        let value = self.next_order_value();
        self.producer_send(producer, topic, None, None, value, out)
    }

    fn next_order_value(&mut self) -> MessageId {
        let text = format!(
            "{{\"order_id\": {}, \"item\": \"widget\"}}",
            self.next_order
        );
        self.next_order += 1;
        self.intern(&text)
    }

    pub(super) fn producer_send(
        &mut self,
        producer: ClientIdx,
        topic: TopicIdx,
        partition: Option<u32>,
        key: Option<MessageId>,
        value: MessageId,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_usable(producer)?;
        if let Some(e) = self.producer(producer).abortable {
            return Err(e);
        }
        let config = &self.producer_spec(producer).config;
        let transactional = config.transactional_id.is_some();
        // T10: with a transactional.id, send() outside a transaction is an error.
        if transactional && self.producer(producer).state != ProducerState::InTransaction {
            return Err(StepError::IllegalState);
        }
        let idempotent = config.idempotence || transactional;
        let partitions = self.topic_spec(topic).partitions;
        let (partition, chosen) = match (partition, key) {
            (Some(p), _) => (p, false),
            (None, Some(k)) => (partition_for_key(self.text(k).as_bytes(), partitions), true),
            (None, None) if partitions == 1 => (0, false),
            // Each send is its own batch in the model, so the sticky partitioner picks anew each time.
            (None, None) => (self.rng.below(partitions), true),
        };
        let tp = TopicPartition::new(topic, partition);
        if transactional && !self.producer(producer).txn_partitions.contains(&tp) {
            if self.transaction_version(producer) == 2 {
                // T11: the produce request itself will carry the partition into the transaction; only the
                // client knows yet that its transaction has begun.
                self.producer_mut(producer).txn_partitions.insert(tp);
            } else {
                // T4.
                self.add_partition_to_txn(producer, tp, out)?;
            }
        }
        if idempotent && self.producer(producer).producer_id.is_none() {
            let pid = self.new_producer_id();
            let p = self.producer_mut(producer);
            p.producer_id = Some((pid, Epoch(0)));
            p.next_sequence.clear();
            out.push(Event::new(
                Change::ProducerIdAssigned {
                    producer,
                    producer_id: pid,
                    epoch: Epoch(0),
                },
                Reason::FirstIdempotentWrite,
            ));
        }
        let handed_at_ms = self.now_ms;
        let p = self.producer_mut(producer);
        let sequence = if idempotent {
            let next = p.next_sequence.entry(tp).or_insert(0);
            let s = *next;
            *next = next.wrapping_add(1);
            Some(s)
        } else {
            None
        };
        p.in_flight.push_back(InFlight {
            tp,
            value,
            key,
            sequence,
            transactional,
            handed_at_ms,
        });
        self.ledger.record_sent(value);
        out.push(Event::new(
            Change::RecordInFlight {
                producer,
                tp,
                value,
                sequence,
            },
            Reason::Send {
                keyed: key.is_some(),
                chosen_by_partitioner: chosen,
            },
        ));
        Ok(())
    }

    pub(super) fn producer_flush(
        &mut self,
        producer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let p = self.producer(producer);
        // With nothing to wait for, flush() returns even from a refused producer's error state.
        if p.in_flight.is_empty() && p.fatal.is_some() {
            out.push(Event::new(Change::Nothing, Reason::FlushNothing));
            return Ok(());
        }
        self.producer_usable(producer)?;
        if self.producer(producer).in_flight.is_empty() {
            out.push(Event::new(Change::Nothing, Reason::FlushNothing));
            return Ok(());
        }
        let pipelined = self.producer_spec(producer).config.pipelined.max(1) as usize;
        let mut first_error = None;
        while !self.producer(producer).in_flight.is_empty() {
            // Up to max.in.flight.requests.per.connection requests are on the wire at once.
            let p = self.producer_mut(producer);
            let n = p.in_flight.len().min(pipelined);
            let window: Vec<InFlight> = p.in_flight.drain(..n).collect();
            let mut resend: Vec<InFlight> = Vec::new();
            for batch in window {
                if self.stopped(producer) {
                    break;
                }
                let p = self.producer_mut(producer);
                if std::mem::take(&mut p.lose_next_request) {
                    out.push(Event::new(
                        Change::RequestLost {
                            producer,
                            tp: batch.tp,
                            value: batch.value,
                        },
                        Reason::Plain,
                    ));
                    resend.push(batch);
                    continue;
                }
                let lose = std::mem::take(&mut p.lose_next_ack);
                match self.deliver(producer, &batch, lose, out) {
                    // A request behind a lost one reached the broker first: a sequence gap (P4). The client
                    // sends it again after the lost one.
                    Err(StepError::OutOfOrderSequence) if !resend.is_empty() => resend.push(batch),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                    Ok(()) => {}
                }
            }
            for batch in resend {
                if self.stopped(producer) {
                    break;
                }
                if let Err(e) = self.deliver(producer, &batch, false, out) {
                    first_error.get_or_insert(e);
                }
            }
            if self.stopped(producer) {
                self.producer_mut(producer).in_flight.clear();
                break;
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// The records of an aborted transaction that are still waiting out `linger.ms` are never sent (T6);
    /// their sequence numbers go back, as the client numbers a batch only when it sends it.
    pub(super) fn drop_unsent(&mut self, producer: ClientIdx, out: &mut Vec<Event>) {
        let linger = self.producer_spec(producer).config.linger_ms;
        let now = self.now_ms;
        let p = self.producer_mut(producer);
        let (sent, unsent): (Vec<InFlight>, Vec<InFlight>) = p
            .in_flight
            .drain(..)
            .partition(|r| r.handed_at_ms.saturating_add(linger) <= now);
        p.in_flight = sent.into();
        for batch in unsent.iter().rev() {
            self.give_back_sequence(producer, batch);
        }
        if !unsent.is_empty() {
            out.push(Event::new(
                Change::InFlightDropped {
                    producer,
                    records: unsent.len() as u32,
                },
                Reason::AbortDropsUnsent,
            ));
        }
    }

    /// A batch the broker refused without writing it: both clients give its sequence number back, so what
    /// the application sends next follows the last record written (P2) instead of leaving a gap.
    fn give_back_sequence(&mut self, producer: ClientIdx, batch: &InFlight) {
        let Some(given) = batch.sequence else {
            return;
        };
        let p = self.producer_mut(producer);
        for later in p.in_flight.iter_mut().filter(|b| b.tp == batch.tp) {
            if let Some(s) = later.sequence.as_mut().filter(|s| **s > given) {
                *s -= 1;
            }
        }
        if let Some(next) = p.next_sequence.get_mut(&batch.tp) {
            *next = next.saturating_sub(1);
        }
    }

    /// Nothing more of this instance's in-flight requests will be sent.
    fn stopped(&self, producer: ClientIdx) -> bool {
        let p = self.producer(producer);
        p.state == ProducerState::Fenced || p.abortable.is_some()
    }

    /// One produce request reaches the partition's leader; `lose_ack` drops its answer (P6). The leader
    /// checks leadership and `min.insync.replicas` (D2), appends, the followers copy (D1), and the answer
    /// follows `acks`.
    fn deliver(
        &mut self,
        producer: ClientIdx,
        batch: &InFlight,
        lose_ack: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let config = &self.producer_spec(producer).config;
        let (acks, retries, timeout) = (config.acks, config.retries, config.delivery_timeout_ms);
        let min_isr = self.effective_min_isr(batch.tp);
        let ids = self.producer(producer).producer_id;
        let tp = batch.tp;
        let now = self.now_ms;
        let failed = |error: StepError, reason: Reason| {
            Event::new(
                Change::ProduceFailed {
                    producer,
                    tp,
                    value: batch.value,
                    error,
                },
                reason,
            )
        };
        let fail = |out: &mut Vec<Event>, error: StepError| {
            out.push(failed(error, Reason::Plain));
            Err(error)
        };
        let log = self.log(tp);
        // D2: refused before anything is appended.
        let refusal = if log.leader.is_none() {
            Some(StepError::LeaderNotAvailable)
        } else if acks == Acks::All && (log.isr.len() as u32) < min_isr {
            Some(StepError::NotEnoughReplicas)
        } else {
            None
        };
        if let Some(error) = refusal {
            self.give_back_sequence(producer, batch);
            if retries == 0 {
                return fail(out, error);
            }
            // Both errors are retriable: the client tries again on its own until delivery.timeout.ms. No broker
            // comes back within one step, so it is refused until then.
            out.push(failed(error, Reason::RetriedUntilTimeout { ms: timeout }));
            self.clock_advance(timeout, out);
            return fail(out, StepError::RequestTimedOut);
        }
        let joined = if batch.transactional && self.transaction_version(producer) == 2 {
            self.join_with_produce(producer, tp, out)
        } else {
            Ok(())
        };
        let log = self.log_mut(tp);
        let attempt = |log: &mut PartitionLog| -> Result<Append, StepError> {
            let r = match (ids, batch.sequence) {
                (Some((pid, epoch)), Some(sequence)) => log.append_batch(
                    BatchId {
                        producer_id: pid,
                        epoch,
                        sequence,
                    },
                    batch.value,
                    batch.key,
                    batch.transactional,
                ),
                _ => Ok(Append::Appended(log.append_plain(batch.value, batch.key))),
            };
            log.replicate(now);
            r
        };
        let first = match joined.and_then(|()| attempt(log)) {
            Ok(a) => a,
            Err(e) => {
                out.push(Event::new(
                    Change::ProduceRejected {
                        producer,
                        tp,
                        value: batch.value,
                    },
                    if e == StepError::InvalidProducerEpoch {
                        Reason::EpochRejected
                    } else {
                        Reason::SequenceRejected
                    },
                ));
                if e == StepError::InvalidProducerEpoch && batch.transactional {
                    match self.setup.flavor {
                        // T1: kafka-python then tries to bump its own epoch; the coordinator's refusal fences
                        // it as soon as any time passes.
                        Flavor::KafkaPython => self.start_epoch_bump(producer, out),
                        // T1: for the Java client the error only dooms the transaction; the abort meets the
                        // fencing.
                        Flavor::Java => {
                            let p = self.producer_mut(producer);
                            p.abortable = Some(e);
                            p.in_flight.clear();
                            out.push(Event::new(
                                Change::TransactionDoomed { producer, error: e },
                                Reason::Plain,
                            ));
                        }
                    }
                }
                return Err(e);
            }
        };
        let offset = match first {
            Append::Appended(o) | Append::Duplicate(o) => o,
        };
        if acks == Acks::All && self.log(tp).high_watermark <= offset {
            // D1: the answer waits until every in-sync replica has the record.
            out.push(Event::new(
                Change::AckWaiting {
                    producer,
                    tp,
                    offset,
                },
                Reason::Plain,
            ));
            if let Err(e) = self.await_in_sync(producer, tp, offset, out) {
                return fail(out, e);
            }
        }
        let appended = Change::RecordAppended {
            producer,
            tp,
            offset,
            value: batch.value,
        };
        if acks == Acks::Zero {
            out.push(Event::new(appended, Reason::DeliveredAcksZero));
            self.acknowledge(batch);
            return Ok(());
        }
        if !lose_ack {
            out.push(Event::new(appended, Reason::Delivered));
            self.acknowledge(batch);
            return Ok(());
        }
        let will_retry = retries > 0;
        out.push(Event::new(appended, Reason::AckLost { will_retry }));
        if !will_retry {
            out.push(Event::new(
                Change::SendFailed {
                    producer,
                    tp,
                    value: batch.value,
                },
                Reason::NoRetries,
            ));
            return Ok(());
        }
        let log = self.log_mut(tp);
        match attempt(log) {
            Ok(Append::Appended(copy)) => out.push(Event::new(
                Change::RecordAppended {
                    producer,
                    tp,
                    offset: copy,
                    value: batch.value,
                },
                Reason::RetryAppendedCopy,
            )),
            Ok(Append::Duplicate(original)) => {
                let (pid, _) = ids.unwrap_or((ProducerId(0), Epoch(0)));
                out.push(Event::new(
                    Change::RetryDeduplicated {
                        producer,
                        tp,
                        original_offset: original,
                    },
                    Reason::RetryRecognised {
                        producer_id: pid,
                        sequence: batch.sequence.unwrap_or(0),
                    },
                ))
            }
            Err(e) => {
                out.push(Event::new(
                    Change::ProduceRejected {
                        producer,
                        tp,
                        value: batch.value,
                    },
                    Reason::SequenceRejected,
                ));
                return Err(e);
            }
        }
        self.acknowledge(batch);
        Ok(())
    }

    /// The producer was told the write succeeded. A transactional record counts as acknowledged only when
    /// its transaction commits (the commit marker does that).
    fn acknowledge(&mut self, batch: &InFlight) {
        if !batch.transactional {
            self.ledger.record_acknowledged(batch.value);
        }
    }

    /// Fault armed for the producer's next request: the request itself is lost on the way to the broker
    /// (`request`, P4), or the broker's answer is lost on the way back (P6).
    pub(super) fn producer_arm_fault(
        &mut self,
        producer: ClientIdx,
        request: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.producer_usable(producer)?;
        let p = self.producer_mut(producer);
        out.push(if request {
            p.lose_next_request = true;
            Event::new(Change::RequestFaultArmed { producer }, Reason::Plain)
        } else {
            p.lose_next_ack = true;
            Event::new(Change::FaultArmed { producer }, Reason::LoseAckArmed)
        });
        Ok(())
    }

    pub(super) fn producer_crash(
        &mut self,
        producer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let p = self.producer_mut(producer);
        match p.state {
            ProducerState::Crashed => return Err(StepError::IllegalState),
            // A producer the client refused to build has no process of its own to crash.
            ProducerState::Error if p.fatal.is_none() => return Err(StepError::ConfigException),
            _ => {}
        }
        let from = p.state;
        p.state = ProducerState::Crashed;
        p.lose_next_ack = false;
        p.lose_next_request = false;
        let dropped = p.in_flight.len() as u32;
        p.in_flight.clear();
        out.push(Event::new(
            Change::ProducerStateChanged {
                producer,
                from,
                to: ProducerState::Crashed,
            },
            Reason::ProducerCrashed,
        ));
        if dropped > 0 {
            out.push(Event::new(
                Change::InFlightDropped {
                    producer,
                    records: dropped,
                },
                Reason::ProducerCrashed,
            ));
        }
        Ok(())
    }

    pub(super) fn producer_restart(
        &mut self,
        producer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let idempotent = self.producer_spec(producer).config.idempotence;
        let transactional = self.producer_spec(producer).txn.is_some();
        let p = self.producer_mut(producer);
        match p.state {
            ProducerState::Crashed => {}
            ProducerState::Error => return Err(StepError::ConfigException),
            // A running instance must crash first: restart means a new process.
            _ => return Err(StepError::IllegalState),
        }
        p.state = ProducerState::Ready;
        p.instance += 1;
        p.producer_id = None;
        p.next_sequence.clear();
        p.transactions_initialised = false;
        p.txn_partitions.clear();
        p.txn_groups.clear();
        p.abortable = None;
        p.fatal = None;
        out.push(Event::new(
            Change::ProducerStateChanged {
                producer,
                from: ProducerState::Crashed,
                to: ProducerState::Ready,
            },
            if transactional {
                Reason::ProducerRestartedTransactional
            } else {
                Reason::ProducerRestarted { idempotent }
            },
        ));
        Ok(())
    }
}
