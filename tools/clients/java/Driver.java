import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One scenario's clients on the Java client (kafka-clients), driven one op at a time: the same JSON lines as the
 * kafka-python driver (its docstring and docs/real-cluster.md), calling the client the way the Java lessons' code
 * does. A poll answers the whole batch poll(Duration) returned as "records".
 */
public final class Driver {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a poll waits for records before it answers that there are none. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(3000);

    /** The client's exceptions, by the contract's error names; the first that matches wins. */
    private static final List<Map.Entry<Class<? extends Throwable>, String>> ERRORS = List.of(
            Map.entry(ProducerFencedException.class, "ProducerFenced"),
            Map.entry(InvalidProducerEpochException.class, "InvalidProducerEpoch"),
            Map.entry(OutOfOrderSequenceException.class, "OutOfOrderSequence"),
            Map.entry(InvalidTxnStateException.class, "InvalidTxnState"),
            Map.entry(IllegalStateException.class, "IllegalState"),
            Map.entry(NoOffsetForPartitionException.class, "NoOffsetForPartition"),
            Map.entry(NotEnoughReplicasException.class, "NotEnoughReplicas"),
            Map.entry(NotEnoughReplicasAfterAppendException.class, "NotEnoughReplicas"),
            Map.entry(ConfigException.class, "ConfigException"),
            Map.entry(TimeoutException.class, "RequestTimedOut"),
            Map.entry(LeaderNotAvailableException.class, "LeaderNotAvailable"),
            Map.entry(CommitFailedException.class, "CommitFailed"),
            Map.entry(InvalidTxnTimeoutException.class, "InvalidTransactionTimeout"));

    private final String bootstrap;
    private final String prefix;
    private final Map<String, KafkaProducer<String, String>> producers = new HashMap<>();
    private final Map<String, KafkaConsumer<String, String>> consumers = new HashMap<>();
    private final Map<String, List<Sent>> sent = new HashMap<>();

    /** A send and where it was going, for the answer that reports how it ended. */
    private record Sent(String topic, JsonNode partition, Future<RecordMetadata> future) {
    }

    private Driver(String bootstrap, String prefix) {
        this.bootstrap = bootstrap;
        this.prefix = prefix;
    }

    static String errorName(Throwable error) {
        // A send's failure arrives wrapped; a KafkaException may carry the real one as its cause.
        Throwable seen = error;
        while (seen != null) {
            for (Map.Entry<Class<? extends Throwable>, String> entry : ERRORS) {
                if (entry.getKey().isInstance(seen)) {
                    return entry.getValue();
                }
            }
            // InitProducerId's refusal of the timeout comes as a bare KafkaException naming it in its message.
            if (String.valueOf(seen.getMessage()).contains("transaction.max.timeout.ms")) {
                return "InvalidTransactionTimeout";
            }
            if (!(seen instanceof ExecutionException || seen.getClass() == KafkaException.class)
                    || seen.getCause() == null) {
                break;
            }
            seen = seen.getCause();
        }
        // Not one of the contract's: the client's own name for it, unwrapped, without the suffix.
        return seen.getClass().getSimpleName().replaceFirst("Exception$", "");
    }

    /** The contract's assignor names as the client's class names, which it takes instead of names. */
    private static String assignorClasses(JsonNode value) {
        List<String> names = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(n -> names.add(n.asText()));
        } else {
            names.addAll(List.of(value.asText().split(",")));
        }
        List<String> classes = new ArrayList<>();
        for (String name : names) {
            classes.add(switch (name.trim()) {
                case "range" -> RangeAssignor.class.getName();
                case "roundrobin" -> RoundRobinAssignor.class.getName();
                case "cooperative-sticky" -> CooperativeStickyAssignor.class.getName();
                default -> name.trim();
            });
        }
        return String.join(",", classes);
    }

    private String topic(String name) {
        return prefix + name;
    }

    /** The scenario's properties as the client's, with the session's prefix on group and transactional ids. */
    private Properties properties(JsonNode config) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (config != null) {
            for (Map.Entry<String, JsonNode> field : config.properties()) {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
                }
                String text = value.isTextual() ? value.asText() : value.toString();
                if (key.equals("group.id") || key.equals("transactional.id")) {
                    text = prefix + text;
                }
                if (key.equals(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
                    text = assignorClasses(value);
                }
                props.put(key, text);
            }
        }
        return props;
    }

    private ObjectNode run(JsonNode op) throws Exception {
        String name = op.path("op").asText();
        String actor = op.path("actor").asText();
        ObjectNode answer = JSON.createObjectNode().put("ok", true);
        switch (name) {
            case "create_topic" -> {
                try (Admin admin = Admin.create(properties(null))) {
                    NewTopic topic = new NewTopic(topic(op.path("topic").asText()), op.path("partitions").asInt(1),
                            (short) op.path("replication_factor").asInt(1));
                    Map<String, String> configs = new HashMap<>();
                    op.path("configs").properties().forEach(e -> configs.put(e.getKey(), e.getValue().asText()));
                    topic.configs(configs);
                    admin.createTopics(List.of(topic)).all().get();
                }
            }
            case "producer" -> {
                Properties props = properties(op.get("config"));
                String id = op.path("id").asText();
                producers.put(id, new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()));
                sent.put(id, new ArrayList<>());
            }
            case "consumer" -> {
                Properties props = properties(op.get("config"));
                // Member ids start with the client id, and the assignors order members by id: the scenario's id
                // keeps the order the model uses.
                props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, op.path("id").asText());
                KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
                List<String> topics = new ArrayList<>();
                op.path("subscribe").forEach(t -> topics.add(topic(t.asText())));
                if (op.path("on_partitions_revoked").asText().equals("commit")) {
                    consumer.subscribe(topics, new CommitOnRevoke(consumer));
                } else {
                    consumer.subscribe(topics);
                }
                consumers.put(op.path("id").asText(), consumer);
            }
            case "send" -> {
                JsonNode partition = op.get("partition");
                ProducerRecord<String, String> record = new ProducerRecord<>(topic(op.path("topic").asText()),
                        partition == null || partition.isNull() ? null : partition.asInt(),
                        op.hasNonNull("key") ? op.get("key").asText() : null,
                        op.hasNonNull("value") ? op.get("value").asText() : null);
                sent.get(actor).add(new Sent(op.path("topic").asText(), partition,
                        producers.get(actor).send(record)));
            }
            case "flush" -> {
                producers.get(actor).flush();
                return deliveries(actor, answer, null, true);
            }
            case "poll" -> {
                KafkaConsumer<String, String> consumer = consumers.get(actor);
                long timeout = op.path("timeout_ms").asLong(POLL_TIMEOUT.toMillis());
                // A consumer that has not joined its group yet waits longer: joining takes real time.
                long deadline = System.nanoTime() + (timeout + op.path("join_ms").asLong(0)) * 1_000_000;
                ArrayNode records = answer.putArray("records");
                while (true) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(timeout))) {
                        records.addObject()
                                .put("topic", r.topic().substring(prefix.length()))
                                .put("partition", r.partition())
                                .put("offset", r.offset())
                                .put("value", r.value());
                    }
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (!records.isEmpty() || !consumer.assignment().isEmpty() || left <= 0) {
                        break;
                    }
                    timeout = Math.min(timeout, left);
                }
            }
            case "commit" -> {
                if (op.hasNonNull("offsets")) {
                    consumers.get(actor).commitSync(offsets(op.get("offsets")));
                } else {
                    consumers.get(actor).commitSync();
                }
            }
            case "positions" -> answer.set("positions", positions(consumers.get(actor)));
            case "group_metadata" -> {
                KafkaConsumer<String, String> consumer = consumers.get(actor);
                ConsumerGroupMetadata meta = consumer.groupMetadata();
                answer.putObject("group_metadata")
                        .put("group_id", meta.groupId())
                        .put("generation_id", meta.generationId())
                        .put("member_id", meta.memberId())
                        .put("group_instance_id", meta.groupInstanceId().orElse(null));
                answer.set("positions", positions(consumer));
            }
            case "seek" -> consumers.get(actor).seek(
                    new TopicPartition(topic(op.path("topic").asText()), op.path("partition").asInt(0)),
                    op.path("offset").asLong());
            case "send_offsets_to_transaction" -> {
                if (op.has("consumer")) {
                    KafkaConsumer<String, String> consumer = consumers.get(op.path("consumer").asText());
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : consumer.assignment()) {
                        offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                    }
                    producers.get(actor).sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                } else {
                    // Another driver's consumer: its positions and group membership, as it answered group_metadata.
                    producers.get(actor).sendOffsetsToTransaction(offsets(op.get("offsets")),
                            groupMetadata(op.path("group_metadata")));
                }
            }
            case "init_transactions" -> producers.get(actor).initTransactions();
            case "begin_transaction" -> producers.get(actor).beginTransaction();
            case "commit_transaction", "abort_transaction" -> {
                // The sends the call finished are part of the answer, also when it fails.
                try {
                    if (name.equals("commit_transaction")) {
                        producers.get(actor).commitTransaction();
                    } else {
                        producers.get(actor).abortTransaction();
                    }
                } catch (Exception error) {
                    return deliveries(actor, answer, error, false);
                }
                return deliveries(actor, answer, null, false);
            }
            case "close" -> {
                if (consumers.containsKey(actor)) {
                    consumers.remove(actor).close();
                } else {
                    producers.remove(actor).close();
                }
            }
            default -> {
                return JSON.createObjectNode().put("ok", false).put("error", "Unsupported")
                        .put("detail", "the Java client has no op \"" + name + "\" here");
            }
        }
        return answer;
    }

    /**
     * Another process's consumer's membership, as its group_metadata op answered it. The constructor is
     * deprecated for applications (they pass consumer.groupMetadata()), but it is how a membership that lives
     * in another process is handed over, and it is what the broker checks (KIP-447).
     */
    @SuppressWarnings("removal")
    private static ConsumerGroupMetadata groupMetadata(JsonNode m) {
        return new ConsumerGroupMetadata(m.path("group_id").asText(), m.path("generation_id").asInt(),
                m.path("member_id").asText(),
                Optional.ofNullable(m.hasNonNull("group_instance_id") ? m.get("group_instance_id").asText() : null));
    }

    /** The scenario's offsets ([{topic, partition, offset}]) as the client's, under their real topic names. */
    private Map<TopicPartition, OffsetAndMetadata> offsets(JsonNode listed) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (JsonNode o : listed) {
            offsets.put(new TopicPartition(topic(o.path("topic").asText()), o.path("partition").asInt(0)),
                    new OffsetAndMetadata(o.path("offset").asLong()));
        }
        return offsets;
    }

    /**
     * The scenario's {@code "on_partitions_revoked": "commit"}: commit the positions of the partitions being taken
     * away, before they go. Lost partitions (after a late poll) cannot be committed and are left alone, as
     * Kafka advises; the interface's default would call onPartitionsRevoked for them too.
     */
    private record CommitOnRevoke(KafkaConsumer<String, String> consumer) implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : revoked) {
                offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
            if (!offsets.isEmpty()) {
                consumer.commitSync(offsets);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        }
    }

    /** The consumer's position on each assigned partition; null where it has none yet. */
    private ArrayNode positions(KafkaConsumer<String, String> consumer) {
        ArrayNode out = JSON.createArrayNode();
        List<TopicPartition> assigned = new ArrayList<>(consumer.assignment());
        assigned.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        for (TopicPartition tp : assigned) {
            ObjectNode row = out.addObject().put("topic", tp.topic().substring(prefix.length()))
                    .put("partition", tp.partition());
            try {
                // Without waiting: a known position is answered at once, a missing one is not looked up here.
                row.put("offset", consumer.position(tp, Duration.ZERO));
            } catch (TimeoutException missing) {
                row.putNull("offset");
            }
        }
        return out;
    }

    /**
     * The sends of `actor` that finished, taken off its list, into `answer` as "deliveries"; the answer fails
     * with `error`, or else (when `sendsDecide`, as for a flush) with the first failed send.
     */
    private ObjectNode deliveries(String actor, ObjectNode answer, Exception error, boolean sendsDecide) {
        ArrayNode out = answer.putArray("deliveries");
        List<Sent> pending = new ArrayList<>();
        Throwable failure = error;
        for (Sent s : sent.get(actor)) {
            if (!s.future().isDone()) {
                pending.add(s);
                continue;
            }
            try {
                RecordMetadata meta = s.future().get();
                out.addObject().put("topic", s.topic()).put("partition", meta.partition())
                        .put("offset", meta.hasOffset() ? meta.offset() : -1);
            } catch (Exception e) {
                ObjectNode row = out.addObject().put("topic", s.topic());
                row.set("partition", s.partition() == null ? JSON.nullNode() : s.partition());
                row.put("error", errorName(e));
                if (failure == null && sendsDecide) {
                    failure = e;
                }
            }
        }
        sent.put(actor, pending);
        if (failure != null) {
            answer.put("ok", false).put("error", errorName(failure)).put("detail", String.valueOf(failure));
        }
        return answer;
    }

    private ObjectNode answer(String line) {
        JsonNode op;
        try {
            op = JSON.readTree(line);
        } catch (Exception error) {
            return JSON.createObjectNode().put("ok", false).put("error", "BadRequest")
                    .put("detail", "not JSON: " + error.getMessage());
        }
        try {
            return run(op);
        } catch (Exception error) {
            // Every client error is an answer, never the driver's end.
            return JSON.createObjectNode().put("ok", false).put("error", errorName(error))
                    .put("detail", String.valueOf(error));
        }
    }

    /** The version kafka-clients was built as, from the properties file in its jar. */
    private static String clientVersion() throws java.io.IOException {
        Properties version = new Properties();
        try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in != null) {
                version.load(in);
            }
        }
        return version.getProperty("version", "unknown");
    }

    public static void main(String[] args) throws Exception {
        // Answers alone go to stdout: the client's logging (log4j's default console is stdout) goes to stderr.
        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        JsonNode first = JSON.readTree(in.readLine());
        Driver driver = new Driver(first.path("bootstrap").asText(), first.path("prefix").asText(""));
        answers.println(JSON.createObjectNode().put("ok", true).put("client", "kafka-clients")
                .put("version", clientVersion()));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            answers.println(driver.answer(line));
        }
    }
}
