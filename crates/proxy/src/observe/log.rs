//! Reading a partition's whole log with Fetch (read_uncommitted, from offset 0 to the high watermark) and
//! turning its record batches into the model's log entries: records, commit and abort markers, and each
//! transactional record's fate, found from the marker its producer wrote after it.

use std::collections::BTreeMap;

use bytes::Bytes;
use kafka_model::output::LogEntryOut;
use kafka_model::partition_log::{EntryKind, TxnStatus};
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchRequest, FetchTopic};
use kafka_protocol::messages::{BrokerId, TopicName};
use kafka_protocol::records::{Record, RecordBatchDecoder};

use super::cluster::{check, str_bytes, Cluster};
use super::ObserveError;

/// v12: the last version that names topics (v13 uses topic ids); supported by Kafka 3.1 to 4.x.
const FETCH_VERSION: i16 = 12;
/// Data up to the high watermark, aborted and open transactions included.
const READ_UNCOMMITTED: i8 = 0;
const PARTITION_MAX_BYTES: i32 = 1 << 20;
const MAX_BYTES: i32 = 16 << 20;
/// Record batch header: base offset (8), length (4), then the batch; magic sits at 16, last offset delta at 23.
const LOG_OVERHEAD: usize = 12;
const MAGIC_AT: usize = 16;
const LAST_OFFSET_DELTA_AT: usize = 23;
/// Rounds without progress before giving up (a broker answering empty below its high watermark).
const MAX_STALLS: u32 = 3;

/// One partition as read.
#[derive(Debug, Default)]
pub(crate) struct PartitionRead {
    pub high_watermark: u64,
    pub last_stable_offset: u64,
    pub log: Vec<LogEntryOut>,
}

/// A record as decoded, before its transaction status is known.
struct Raw {
    record: Record,
    /// For control records: true for a commit marker, false for an abort marker.
    commit_marker: Option<bool>,
}

/// Reads the whole log of each of `partitions` (real topic names) from their `leader`.
pub(crate) async fn read_partitions(
    cluster: &mut Cluster,
    leader: i32,
    partitions: &[(String, i32)],
) -> Result<BTreeMap<(String, i32), PartitionRead>, ObserveError> {
    // Next offset to fetch and the records so far, per partition still being read.
    let mut reading: BTreeMap<(String, i32), (i64, Vec<Raw>)> = partitions
        .iter()
        .map(|tp| (tp.clone(), (0, Vec::new())))
        .collect();
    let mut done = BTreeMap::new();
    let mut stalls = 0;
    while !reading.is_empty() {
        let response = cluster
            .send_to(leader, &fetch_request(&reading), FETCH_VERSION)
            .await?;
        check(response.error_code, || {
            format!("Fetch from broker {leader}")
        })?;
        let mut progressed = false;
        for topic in response.responses {
            let name = topic.topic.0.as_str().to_owned();
            for p in topic.partitions {
                let key = (name.clone(), p.partition_index);
                check(p.error_code, || {
                    format!("Fetch of {name}-{}", p.partition_index)
                })?;
                let Some((next, raws)) = reading.get_mut(&key) else {
                    continue;
                };
                let before = *next;
                decode_batches(p.records.unwrap_or_default(), next, raws).map_err(|reason| {
                    ObserveError::Protocol {
                        addr: format!("broker {leader}"),
                        reason: format!("{name}-{}: {reason}", p.partition_index),
                    }
                })?;
                progressed |= *next > before;
                if *next >= p.high_watermark {
                    let (_, raws) = reading.remove(&key).expect("present above");
                    done.insert(
                        key,
                        PartitionRead {
                            high_watermark: p.high_watermark.max(0) as u64,
                            last_stable_offset: p.last_stable_offset.max(0) as u64,
                            log: classify(raws),
                        },
                    );
                    progressed = true;
                }
            }
        }
        stalls = if progressed { 0 } else { stalls + 1 };
        if stalls >= MAX_STALLS {
            let (tp, (next, _)) = reading.iter().next().expect("not empty");
            return Err(ObserveError::Protocol {
                addr: format!("broker {leader}"),
                reason: format!(
                    "Fetch of {}-{} returns nothing at offset {next}, below the high watermark",
                    tp.0, tp.1
                ),
            });
        }
    }
    Ok(done)
}

fn fetch_request(reading: &BTreeMap<(String, i32), (i64, Vec<Raw>)>) -> FetchRequest {
    let mut topics: BTreeMap<&str, Vec<FetchPartition>> = BTreeMap::new();
    for ((topic, partition), (next, _)) in reading {
        let mut p = FetchPartition::default();
        p.partition = *partition;
        p.current_leader_epoch = -1;
        p.fetch_offset = *next;
        p.last_fetched_epoch = -1;
        p.log_start_offset = -1;
        p.partition_max_bytes = PARTITION_MAX_BYTES;
        topics.entry(topic).or_default().push(p);
    }
    let mut request = FetchRequest::default();
    request.replica_id = BrokerId(-1); // a consumer, not a follower
    request.max_wait_ms = 0; // answer at once with what is there
    request.min_bytes = 0;
    request.max_bytes = MAX_BYTES;
    request.isolation_level = READ_UNCOMMITTED;
    request.session_id = 0; // no fetch session: every request is a full one
    request.session_epoch = -1;
    request.topics = topics
        .into_iter()
        .map(|(name, partitions)| {
            let mut t = FetchTopic::default();
            t.topic = TopicName(str_bytes(name));
            t.partitions = partitions;
            t
        })
        .collect();
    request
}

/// Decodes the complete batches in `records` at or after `*next`, moving `*next` past each one. A batch cut
/// off at the end of the answer (the broker fills up to the byte limit) is read again next round.
fn decode_batches(records: Bytes, next: &mut i64, raws: &mut Vec<Raw>) -> Result<(), String> {
    let mut at = 0;
    while records.len() - at >= LOG_OVERHEAD {
        let head = &records[at..];
        let base_offset = i64::from_be_bytes(head[0..8].try_into().expect("8 bytes"));
        let length = i32::from_be_bytes(head[8..12].try_into().expect("4 bytes"));
        let size = LOG_OVERHEAD + usize::try_from(length).map_err(|_| "negative batch length")?;
        if head.len() < size {
            break;
        }
        if head[MAGIC_AT] != 2 {
            return Err(format!("record batch magic {} unsupported", head[MAGIC_AT]));
        }
        let last_offset_delta = i32::from_be_bytes(
            head[LAST_OFFSET_DELTA_AT..LAST_OFFSET_DELTA_AT + 4]
                .try_into()
                .expect("4 bytes"),
        );
        let mut batch = records.slice(at..at + size);
        at += size;
        let last_offset = base_offset + i64::from(last_offset_delta);
        // A batch may start before the fetch offset (the broker sends whole batches); skip what we have.
        if last_offset < *next {
            continue;
        }
        let set = RecordBatchDecoder::decode(&mut batch).map_err(|e| e.to_string())?;
        for record in set.records {
            if record.offset < *next {
                continue;
            }
            let commit_marker = if record.control {
                Some(control_is_commit(&record)?)
            } else {
                None
            };
            raws.push(Raw {
                record,
                commit_marker,
            });
        }
        *next = last_offset + 1;
    }
    Ok(())
}

/// A control record's key is (version: i16, type: i16); type 0 is ABORT, 1 is COMMIT.
fn control_is_commit(record: &Record) -> Result<bool, String> {
    let key = record.key.as_deref().unwrap_or_default();
    match key.get(2..4).map(|t| i16::from_be_bytes([t[0], t[1]])) {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(other) => Err(format!(
            "control record at offset {} has unknown type {other}",
            record.offset
        )),
        None => Err(format!(
            "control record at offset {} has a short key",
            record.offset
        )),
    }
}

/// The model's log entries. A transactional record's status is the kind of the first marker its producer
/// id wrote after it, or `open` while there is none; so the log is walked backwards, remembering each
/// producer's latest-seen marker.
fn classify(raws: Vec<Raw>) -> Vec<LogEntryOut> {
    let mut fate: BTreeMap<i64, TxnStatus> = BTreeMap::new();
    let mut entries: Vec<LogEntryOut> = raws
        .into_iter()
        .rev()
        .map(
            |Raw {
                 record,
                 commit_marker,
             }| {
                let idempotent = record.producer_id >= 0;
                let producer_id = idempotent.then_some(record.producer_id as u64);
                let producer_epoch = idempotent.then_some(record.producer_epoch);
                match commit_marker {
                    Some(commit) => {
                        let (kind, status) = if commit {
                            (EntryKind::CommitMarker, TxnStatus::Committed)
                        } else {
                            (EntryKind::AbortMarker, TxnStatus::Aborted)
                        };
                        fate.insert(record.producer_id, status);
                        LogEntryOut {
                            offset: record.offset as u64,
                            kind,
                            value: None,
                            producer_id,
                            producer_epoch,
                            sequence: None,
                            transaction: status,
                        }
                    }
                    None => LogEntryOut {
                        offset: record.offset as u64,
                        kind: EntryKind::Record,
                        value: record
                            .value
                            .as_deref()
                            .map(|v| String::from_utf8_lossy(v).into_owned()),
                        producer_id,
                        producer_epoch,
                        sequence: idempotent.then_some(record.sequence as u32),
                        transaction: if record.transactional {
                            fate.get(&record.producer_id)
                                .copied()
                                .unwrap_or(TxnStatus::Open)
                        } else {
                            TxnStatus::None
                        },
                    },
                }
            },
        )
        .collect();
    entries.reverse();
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;
    use kafka_protocol::records::{
        Compression, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
    };

    fn batch(
        offset: i64,
        producer_id: i64,
        transactional: bool,
        control_key: Option<i16>,
    ) -> Bytes {
        let record = Record {
            transactional,
            control: control_key.is_some(),
            delete_horizon: false,
            partition_leader_epoch: 0,
            producer_id,
            producer_epoch: 0,
            timestamp_type: TimestampType::Creation,
            offset,
            sequence: if producer_id < 0 { -1 } else { offset as i32 },
            timestamp: 0,
            key: control_key.map(|t| Bytes::from([0i16.to_be_bytes(), t.to_be_bytes()].concat())),
            value: Some(Bytes::from(format!("v{offset}"))),
            headers: Default::default(),
        };
        let mut buf = BytesMut::new();
        let options = RecordEncodeOptions {
            version: 2,
            compression: Compression::None,
        };
        RecordBatchEncoder::encode(&mut buf, [&record], &options).expect("encode");
        buf.freeze()
    }

    #[test]
    fn a_batch_cut_off_at_the_end_is_left_for_the_next_fetch() {
        let whole = [batch(0, 7, true, None), batch(1, 7, true, Some(1))].concat();
        let cut = Bytes::from(whole[..whole.len() - 3].to_vec());
        let (mut next, mut raws) = (0, Vec::new());
        decode_batches(cut, &mut next, &mut raws).unwrap();
        assert_eq!((next, raws.len()), (1, 1));
        // The next answer starts at the fetch offset's batch again; what was read is not read twice.
        decode_batches(Bytes::from(whole), &mut next, &mut raws).unwrap();
        assert_eq!((next, raws.len()), (2, 2));
    }

    #[test]
    fn each_transactional_record_takes_the_fate_of_its_producers_next_marker() {
        let bytes = [
            batch(0, 7, true, None),    // 7: committed by offset 3
            batch(1, 8, true, None),    // 8: aborted by offset 2
            batch(2, 8, true, Some(0)), // abort marker
            batch(3, 7, true, Some(1)), // commit marker
            batch(4, 7, true, None),    // 7 again: no marker yet
            batch(5, -1, false, None),  // not idempotent
        ]
        .concat();
        let (mut next, mut raws) = (0, Vec::new());
        decode_batches(Bytes::from(bytes), &mut next, &mut raws).unwrap();
        let log = classify(raws);
        let seen: Vec<(&str, &str, Option<u64>)> = log
            .iter()
            .map(|e| (e.kind.name(), e.transaction.name(), e.producer_id))
            .collect();
        assert_eq!(
            seen,
            [
                ("record", "committed", Some(7)),
                ("record", "aborted", Some(8)),
                ("abort_marker", "aborted", Some(8)),
                ("commit_marker", "committed", Some(7)),
                ("record", "open", Some(7)),
                ("record", "none", None),
            ]
        );
        assert_eq!((log[2].value.as_deref(), log[2].sequence), (None, None));
        assert_eq!((log[5].sequence, log[5].producer_epoch), (None, None));
    }
}
