import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
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
 * kafka-python driver (docs/real-cluster.md), calling the client the way the Java lessons' code does.
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
            Map.entry(CommitFailedException.class, "CommitFailed"));

    private final String bootstrap;
    private final String prefix;
    private final Map<String, KafkaProducer<String, String>> producers = new HashMap<>();
    private final Map<String, KafkaConsumer<String, String>> consumers = new HashMap<>();
    private final Map<String, List<Future<RecordMetadata>>> sent = new HashMap<>();

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
            if (!(seen instanceof ExecutionException || seen.getClass() == KafkaException.class)) {
                break;
            }
            seen = seen.getCause();
        }
        return error.getClass().getSimpleName();
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
                KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
                List<String> topics = new ArrayList<>();
                op.path("subscribe").forEach(t -> topics.add(topic(t.asText())));
                consumer.subscribe(topics);
                consumers.put(op.path("id").asText(), consumer);
            }
            case "send" -> {
                JsonNode partition = op.get("partition");
                ProducerRecord<String, String> record = new ProducerRecord<>(topic(op.path("topic").asText()),
                        partition == null || partition.isNull() ? null : partition.asInt(),
                        op.hasNonNull("key") ? op.get("key").asText() : null,
                        op.hasNonNull("value") ? op.get("value").asText() : null);
                sent.get(actor).add(producers.get(actor).send(record));
            }
            case "flush" -> {
                producers.get(actor).flush();
                List<Future<RecordMetadata>> futures = sent.put(actor, new ArrayList<>());
                for (Future<RecordMetadata> future : futures) {
                    future.get();
                }
            }
            case "poll" -> {
                ArrayNode records = answer.putArray("records");
                for (ConsumerRecord<String, String> r : consumers.get(actor).poll(POLL_TIMEOUT)) {
                    records.addObject()
                            .put("topic", r.topic().substring(prefix.length()))
                            .put("partition", r.partition())
                            .put("offset", r.offset())
                            .put("value", r.value());
                }
            }
            case "commit" -> consumers.get(actor).commitSync();
            case "seek" -> consumers.get(actor).seek(
                    new TopicPartition(topic(op.path("topic").asText()), op.path("partition").asInt(0)),
                    op.path("offset").asLong());
            case "send_offsets_to_transaction" -> {
                KafkaConsumer<String, String> consumer = consumers.get(op.path("consumer").asText());
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition tp : consumer.assignment()) {
                    offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
                producers.get(actor).sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            case "init_transactions" -> producers.get(actor).initTransactions();
            case "begin_transaction" -> producers.get(actor).beginTransaction();
            case "commit_transaction" -> producers.get(actor).commitTransaction();
            case "abort_transaction" -> producers.get(actor).abortTransaction();
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
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        JsonNode first = JSON.readTree(in.readLine());
        Driver driver = new Driver(first.path("bootstrap").asText(), first.path("prefix").asText(""));
        System.out.println(JSON.createObjectNode().put("ok", true).put("client", "kafka-clients")
                .put("version", clientVersion()));
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            System.out.println(driver.answer(line));
            System.out.flush();
        }
    }
}
