"""One scenario's clients on kafka-python, driven one op at a time.

Reads JSON lines on stdin, answers one JSON line on stdout for each. The first line names the cluster:
    {"bootstrap": "127.0.0.1:9092", "prefix": "kdl-1-"}
then topics and clients are made and used by the scenario's names (topics, groups and transactional ids get
the prefix):
    {"op": "create_topic", "topic": "orders", "partitions": 1, "replication_factor": 1}
    {"op": "producer", "id": "p", "config": {"acks": "all"}}
    {"op": "consumer", "id": "c", "subscribe": ["orders"], "config": {"group.id": "g"}}
    {"op": "send", "actor": "p", "topic": "orders", "value": "...", "key": null, "partition": null}
    {"op": "flush" | "init_transactions" | "begin_transaction" | "commit_transaction" | "abort_transaction"
            | "close", "actor": "p"}
    {"op": "send_offsets_to_transaction", "actor": "p", "consumer": "c"}
    {"op": "poll" | "commit" | "close", "actor": "c"}, {"op": "seek", "actor": "c", "topic": ..., "partition": 0,
            "offset": 5}
Answers: {"ok": true, ...} or {"ok": false, "error": "<the contract's error name>", "detail": "..."}; a poll
answers the record the consumer's iterator handed out, as the lesson's `for message in consumer:` loop gets it.
"""

import json
import re
import sys

import kafka
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as Errors
from kafka.structs import OffsetAndMetadata

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
    (Errors.KafkaTimeoutError, "RequestTimedOut"),
    (Errors.RequestTimedOutError, "RequestTimedOut"),
    (Errors.LeaderNotAvailableError, "LeaderNotAvailable"),
    (Errors.CommitFailedError, "CommitFailed"),
]

# Properties the scenario writes as strings but kafka-python wants typed.
BOOLEANS = {"enable.idempotence", "enable.auto.commit"}
NUMBERS = {"retries", "max.in.flight.requests.per.connection", "max.poll.records"}

# How long a poll waits for a record before it answers that there is none.
POLL_TIMEOUT_MS = 3000


def error_name(error):
    for kind, name in ERRORS:
        if isinstance(error, kind):
            return name
    # A fenced producer's transaction manager refuses later calls with a bare KafkaError: while it is still
    # bumping its epoch, as an invalid transition; once the broker refused the bump, naming that error.
    if isinstance(error, Errors.KafkaError):
        if "Invalid transition attempted" in str(error):
            return "IllegalState"
        cause = re.search(r"in an error state: (?:\[Error \d+\] )?(\w+)", str(error))
        if cause and isinstance(getattr(Errors, cause.group(1), None), type):
            return error_name(getattr(Errors, cause.group(1))())
    return type(error).__name__


def kwargs(config, prefix):
    """Kafka's property names as kafka-python's keyword arguments (`group.id` -> `group_id`)."""
    out = {}
    for key, value in config.items():
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
        self.producers[op["id"]] = KafkaProducer(
            bootstrap_servers=self.bootstrap,
            **kwargs(op.get("config", {}), self.prefix),
        )
        self.futures[op["id"]] = []
        return {}

    def create_topic(self, op):
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap)
        try:
            options = {"num_partitions": op.get("partitions", 1),
                       "replication_factor": op.get("replication_factor", 1)}
            admin.create_topics({self.topic(op["topic"]): options}, wait_for_metadata=True)
        finally:
            admin.close()
        return {}

    def consumer(self, op):
        consumer = KafkaConsumer(
            *[self.topic(t) for t in op.get("subscribe", [])],
            bootstrap_servers=self.bootstrap,
            consumer_timeout_ms=POLL_TIMEOUT_MS,
            **kwargs(op.get("config", {}), self.prefix),
        )
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
        self.futures[op["actor"]].append(future)
        return {}

    def flush(self, op):
        self.producers[op["actor"]].flush()
        futures, self.futures[op["actor"]] = self.futures[op["actor"]], []
        for future in futures:
            if future.failed():
                raise future.exception
        return {}

    def poll(self, op):
        actor = op["actor"]
        try:
            message = next(self.iterators[actor])
        except StopIteration:
            # The iterator ends when it waited consumer_timeout_ms for nothing; the loop would wait again.
            self.iterators[actor] = iter(self.consumers[actor])
            return {"record": None}
        return {
            "record": {
                "topic": message.topic[len(self.prefix):],
                "partition": message.partition,
                "offset": message.offset,
                "value": None if message.value is None else message.value.decode(),
            }
        }

    def commit(self, op):
        self.consumers[op["actor"]].commit()
        return {}

    def seek(self, op):
        partition = TopicPartition(self.topic(op["topic"]), op.get("partition", 0))
        self.consumers[op["actor"]].seek(partition, op["offset"])
        return {}

    def send_offsets_to_transaction(self, op):
        consumer = self.consumers[op["consumer"]]
        offsets = {
            tp: OffsetAndMetadata(consumer.position(tp), "", -1) for tp in consumer.assignment()
        }
        self.producers[op["actor"]].send_offsets_to_transaction(offsets, consumer.group_metadata())
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
        }
        for transactional in ("init_transactions", "begin_transaction", "commit_transaction", "abort_transaction"):
            calls[transactional] = self.producer_call(transactional)
        if name not in calls:
            return {"ok": False, "error": "Unsupported", "detail": f"kafka-python has no op \"{name}\" here"}
        try:
            return {"ok": True, **calls[name](op)}
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
