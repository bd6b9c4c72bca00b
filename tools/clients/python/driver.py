"""One scenario's clients on kafka-python, driven one op at a time.

Reads JSON lines on stdin, answers one JSON line on stdout for each. The first line names the cluster:
    {"bootstrap": "127.0.0.1:9092", "prefix": "kdl-1-"}
then topics and clients are made and used by the scenario's names (topics, groups and transactional ids get
the prefix):
    {"op": "create_topic", "topic": "orders", "partitions": 1, "replication_factor": 1, "configs": {}}
    {"op": "producer", "id": "p", "config": {"acks": "all"}}
    {"op": "consumer", "id": "c", "subscribe": ["orders"], "config": {"group.id": "g"}}
    {"op": "send", "actor": "p", "topic": "orders", "value": "...", "key": null, "partition": null}
    {"op": "flush" | "init_transactions" | "begin_transaction" | "commit_transaction" | "abort_transaction"
            | "close", "actor": "p"}
    {"op": "send_offsets_to_transaction", "actor": "p", "consumer": "c"}   (a consumer of this driver), or
    {"op": "send_offsets_to_transaction", "actor": "p", "offsets": [{"topic", "partition", "offset"}],
            "group_metadata": {"group_id", "generation_id", "member_id", "group_instance_id"}}   (another one's)
    {"op": "poll", "actor": "c", "timeout_ms": 3000, "join_ms": 3000}   (both optional)
    {"op": "commit", "actor": "c", "offsets": [{"topic", "partition", "offset"}]}   (offsets optional)
    {"op": "positions" | "group_metadata" | "close", "actor": "c"}
    {"op": "seek", "actor": "c", "topic": ..., "partition": 0, "offset": 5}
Answers: {"ok": true, ...} or {"ok": false, "error": "<the contract's error name>", "detail": "..."}. A poll
answers the record the consumer's iterator handed out, as the lesson's `for message in consumer:` loop gets it
(`"record": null` when none came within timeout_ms; while the consumer has no partitions yet it waits up to
join_ms longer). `flush`, `commit_transaction` and `abort_transaction` answer the outcome of every send that
finished since the last answer: `"deliveries": [{"topic", "partition", "offset"} or {"topic", "partition",
"error"}]` (offset -1 with acks=0). `positions` answers `"positions": [{"topic", "partition", "offset"}]` for
every assigned partition (offset null while the consumer has none); `group_metadata` answers the consumer's
`"group_metadata"` and `"positions"`, what another driver's producer needs for send_offsets_to_transaction.
"""

import json
import re
import sys
import time

import kafka
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as Errors
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.structs import ConsumerGroupMetadata, OffsetAndMetadata

# The real client's exceptions, by the contract's error names (docs/real-cluster.md has the same table).
ERRORS = [
    (Errors.ProducerFencedError, "ProducerFenced"),
    (Errors.InvalidProducerEpochError, "InvalidProducerEpoch"),
    (Errors.OutOfOrderSequenceNumberError, "OutOfOrderSequence"),
    (Errors.InvalidTxnStateError, "InvalidTxnState"),
    (Errors.IllegalStateError, "IllegalState"),
    (Errors.NoOffsetForPartitionError, "NoOffsetForPartition"),
    (Errors.NotEnoughReplicasError, "NotEnoughReplicas"),
    (Errors.NotEnoughReplicasAfterAppendError, "NotEnoughReplicas"),
    (Errors.KafkaConfigurationError, "ConfigException"),
    (Errors.InvalidTransactionTimeoutError, "InvalidTransactionTimeout"),
    (Errors.KafkaTimeoutError, "RequestTimedOut"),
    (Errors.RequestTimedOutError, "RequestTimedOut"),
    (Errors.LeaderNotAvailableError, "LeaderNotAvailable"),
    (Errors.CommitFailedError, "CommitFailed"),
    (Errors.InconsistentGroupProtocolError, "InconsistentGroupProtocol"),
    (Errors.RebalanceInProgressError, "RebalanceInProgress"),
]

# Properties the scenario writes as strings but kafka-python wants typed.
BOOLEANS = {"enable.idempotence", "enable.auto.commit"}
NUMBERS = {"retries", "max.in.flight.requests.per.connection", "max.poll.records", "batch.size",
           "buffer.memory", "max.request.size", "fetch.min.bytes", "fetch.max.bytes", "max.partition.fetch.bytes"}

# How long a poll waits for a record before it answers that there is none, unless the op says.
POLL_TIMEOUT_MS = 3000


class ConfigurationRefused(Exception):
    """kafka-python refused a client's configuration (it raises ValueError or TypeError for unknown keys)."""


def error_name(error):
    if isinstance(error, ConfigurationRefused):
        return "ConfigException"
    for kind, name in ERRORS:
        if isinstance(error, kind):
            return name
    # A fenced producer's transaction manager refuses later calls with a bare KafkaError: while it is still
    # bumping its epoch, as an invalid transition; once the broker refused the bump, naming that error.
    if isinstance(error, Errors.KafkaError):
        if "Invalid transition attempted" in str(error):
            return "IllegalState"
        # The broker's error, where the message names it ("... [Error 50] InvalidTransactionTimeoutError").
        cause = re.search(r"\[Error \d+\] (\w+)", str(error)) or re.search(
            r"in an error state: (\w+)", str(error)
        )
        if cause and isinstance(getattr(Errors, cause.group(1), None), type):
            return error_name(getattr(Errors, cause.group(1))())
    return type(error).__name__


# partition.assignment.strategy: the contract's names (and the Java client's class names) as kafka-python's
# assignor classes, which it takes instead of names.
ASSIGNORS = {
    "range": RangePartitionAssignor,
    "roundrobin": RoundRobinPartitionAssignor,
    "cooperative-sticky": CooperativeStickyAssignor,
    "org.apache.kafka.clients.consumer.RangeAssignor": RangePartitionAssignor,
    "org.apache.kafka.clients.consumer.RoundRobinAssignor": RoundRobinPartitionAssignor,
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor": CooperativeStickyAssignor,
}


def assignors(value):
    names = value if isinstance(value, list) else value.split(",")
    try:
        return tuple(ASSIGNORS[name.strip()] for name in names)
    except KeyError as error:
        raise ConfigurationRefused(f"unknown partition.assignment.strategy {error}") from error


class CommitOnRevoke(ConsumerRebalanceListener):
    """The scenario's `"on_partitions_revoked": "commit"`: commit the positions of the partitions being taken
    away. kafka-python calls the listener on its I/O thread, where a blocking commit() raises RuntimeError, so
    it commits asynchronously; the request still goes out before the rejoin. Lost partitions (after a late
    poll) cannot be committed and are left alone."""

    def __init__(self, consumer):
        self.consumer = consumer

    def on_partitions_revoked(self, revoked):
        states = self.consumer._subscription.assignment
        offsets = {tp: OffsetAndMetadata(states[tp].position.offset, "", -1)
                   for tp in revoked if tp in states and states[tp].has_valid_position}
        if offsets:
            self.consumer.commit_async(offsets)

    def on_partitions_lost(self, lost):
        pass

    def on_partitions_assigned(self, assigned):
        pass


def kwargs(config, prefix):
    """Kafka's property names as kafka-python's keyword arguments (`group.id` -> `group_id`)."""
    out = {}
    for key, value in config.items():
        if key == "partition.assignment.strategy":
            value = assignors(value)
        if key in BOOLEANS and isinstance(value, str):
            value = value == "true"
        elif (key in NUMBERS or key.endswith(".ms")) and isinstance(value, str):
            value = int(value)
        elif key == "acks" and value in ("0", "1"):
            value = int(value)
        if key in ("group.id", "transactional.id") and value is not None:
            value = prefix + value
        out[key.replace(".", "_")] = value
    return out


class Session:
    def __init__(self, bootstrap, prefix):
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.producers = {}
        self.consumers = {}
        self.iterators = {}
        self.futures = {}

    def topic(self, name):
        return self.prefix + name

    def producer(self, op):
        try:
            producer = KafkaProducer(bootstrap_servers=self.bootstrap, **kwargs(op.get("config", {}), self.prefix))
        except (ValueError, TypeError) as error:
            raise ConfigurationRefused(str(error)) from error
        self.producers[op["id"]] = producer
        self.futures[op["id"]] = []
        return {}

    def create_topic(self, op):
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap)
        try:
            options = {"num_partitions": op.get("partitions", 1),
                       "replication_factor": op.get("replication_factor", 1),
                       "configs": op.get("configs", {})}
            admin.create_topics({self.topic(op["topic"]): options}, wait_for_metadata=True)
        finally:
            admin.close()
        return {}

    def consumer(self, op):
        config = kwargs(op.get("config", {}), self.prefix)
        # Member ids start with the client id, and the assignors order members by id: the scenario's id keeps
        # the order the model uses.
        config.setdefault("client_id", op["id"])
        try:
            consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, consumer_timeout_ms=POLL_TIMEOUT_MS, **config)
        except (ValueError, TypeError) as error:
            raise ConfigurationRefused(str(error)) from error
        listener = CommitOnRevoke(consumer) if op.get("on_partitions_revoked") == "commit" else None
        consumer.subscribe([self.topic(t) for t in op.get("subscribe", [])], listener=listener)
        self.consumers[op["id"]] = consumer
        self.iterators[op["id"]] = iter(consumer)
        return {}

    def send(self, op):
        encode = lambda s: None if s is None else s.encode()
        future = self.producers[op["actor"]].send(
            self.topic(op["topic"]),
            value=encode(op.get("value")),
            key=encode(op.get("key")),
            partition=op.get("partition"),
        )
        self.futures[op["actor"]].append((op["topic"], op.get("partition"), future))
        return {}

    def deliveries(self, actor):
        """The sends of `actor` that finished, in order, taken off its list; the first failure, if any."""
        done = [f for f in self.futures[actor] if f[2].is_done]
        self.futures[actor] = [f for f in self.futures[actor] if not f[2].is_done]
        out, failure = [], None
        for topic, partition, future in done:
            if future.succeeded():
                meta = future.value
                out.append({"topic": meta.topic[len(self.prefix):], "partition": meta.partition,
                            "offset": meta.offset})
            else:
                out.append({"topic": topic, "partition": partition, "error": error_name(future.exception)})
                failure = failure or future.exception
        return out, failure

    def flush(self, op):
        self.producers[op["actor"]].flush()
        out, failure = self.deliveries(op["actor"])
        if failure is not None:
            return {"error": error_name(failure), "detail": str(failure), "deliveries": out}
        return {"deliveries": out}

    def ending(self, name):
        """commit_transaction / abort_transaction, answering the sends they finished."""

        def call(op):
            try:
                getattr(self.producers[op["actor"]], name)()
            except Exception as error:  # the sends it finished are part of the answer too
                out, _ = self.deliveries(op["actor"])
                return {"error": error_name(error), "detail": str(error), "deliveries": out}
            out, _ = self.deliveries(op["actor"])
            return {"deliveries": out}

        return call

    def poll(self, op):
        actor = op["actor"]
        consumer = self.consumers[actor]
        timeout_ms = op.get("timeout_ms", POLL_TIMEOUT_MS)
        # A consumer that has not joined its group yet waits longer: joining takes real time.
        join_deadline = time.monotonic() + (timeout_ms + op.get("join_ms", 0)) / 1000
        while True:
            consumer.config["consumer_timeout_ms"] = timeout_ms
            try:
                message = next(self.iterators[actor])
                break
            except StopIteration:
                # The iterator ends when it waited consumer_timeout_ms for nothing; the loop would wait again.
                self.iterators[actor] = iter(consumer)
                left_ms = int((join_deadline - time.monotonic()) * 1000)
                if consumer.assignment() or left_ms <= 0:
                    return {"record": None}
                timeout_ms = min(timeout_ms, left_ms)
        return {
            "record": {
                "topic": message.topic[len(self.prefix):],
                "partition": message.partition,
                "offset": message.offset,
                "value": None if message.value is None else message.value.decode(),
            }
        }

    def offsets(self, listed):
        return {TopicPartition(self.topic(o["topic"]), o.get("partition", 0)): OffsetAndMetadata(o["offset"], "", -1)
                for o in listed}

    def commit(self, op):
        if op.get("offsets") is not None:
            self.consumers[op["actor"]].commit(self.offsets(op["offsets"]))
        else:
            self.consumers[op["actor"]].commit()
        return {}

    def positions_of(self, consumer):
        # The positions the consumer holds, read without a request: position() would fetch a missing one.
        out = []
        for tp in sorted(consumer.assignment()):
            state = consumer._subscription.assignment.get(tp)
            offset = state.position.offset if state is not None and state.has_valid_position else None
            out.append({"topic": tp.topic[len(self.prefix):], "partition": tp.partition, "offset": offset})
        return out

    def positions(self, op):
        return {"positions": self.positions_of(self.consumers[op["actor"]])}

    def group_metadata(self, op):
        consumer = self.consumers[op["actor"]]
        meta = consumer.group_metadata()
        return {
            "group_metadata": {"group_id": meta.group_id, "generation_id": meta.generation_id,
                               "member_id": meta.member_id, "group_instance_id": meta.group_instance_id},
            "positions": self.positions_of(consumer),
        }

    def seek(self, op):
        partition = TopicPartition(self.topic(op["topic"]), op.get("partition", 0))
        self.consumers[op["actor"]].seek(partition, op["offset"])
        return {}

    def send_offsets_to_transaction(self, op):
        if "consumer" in op:
            consumer = self.consumers[op["consumer"]]
            offsets = {
                tp: OffsetAndMetadata(consumer.position(tp), "", -1) for tp in consumer.assignment()
            }
            metadata = consumer.group_metadata()
        else:
            # Another driver's consumer: its positions and group membership, as it answered group_metadata.
            offsets = self.offsets(op["offsets"])
            m = op["group_metadata"]
            metadata = ConsumerGroupMetadata(m["group_id"], m["generation_id"], m["member_id"],
                                             m.get("group_instance_id"))
        self.producers[op["actor"]].send_offsets_to_transaction(offsets, metadata)
        return {}

    def producer_call(self, name):
        def call(op):
            getattr(self.producers[op["actor"]], name)()
            return {}

        return call

    def close(self, op):
        actor = op["actor"]
        if actor in self.consumers:
            self.consumers.pop(actor).close()
        else:
            self.producers.pop(actor).close()
        return {}

    def run(self, op):
        name = op.get("op")
        calls = {
            "create_topic": self.create_topic,
            "producer": self.producer,
            "consumer": self.consumer,
            "send": self.send,
            "flush": self.flush,
            "poll": self.poll,
            "commit": self.commit,
            "seek": self.seek,
            "close": self.close,
            "send_offsets_to_transaction": self.send_offsets_to_transaction,
            "positions": self.positions,
            "group_metadata": self.group_metadata,
            "init_transactions": self.producer_call("init_transactions"),
            "begin_transaction": self.producer_call("begin_transaction"),
            "commit_transaction": self.ending("commit_transaction"),
            "abort_transaction": self.ending("abort_transaction"),
        }
        if name not in calls:
            return {"ok": False, "error": "Unsupported", "detail": f"kafka-python has no op \"{name}\" here"}
        try:
            answer = calls[name](op)
            return {"ok": "error" not in answer, **answer}
        except Exception as error:  # every client error is an answer, never the driver's end
            return {"ok": False, "error": error_name(error), "detail": str(error)}


def main():
    first = json.loads(sys.stdin.readline())
    session = Session(first["bootstrap"], first.get("prefix", ""))
    print(json.dumps({"ok": True, "client": "kafka-python", "version": kafka.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            op = json.loads(line)
        except ValueError as error:
            answer = {"ok": False, "error": "BadRequest", "detail": f"not JSON: {error}"}
        else:
            answer = session.run(op)
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
