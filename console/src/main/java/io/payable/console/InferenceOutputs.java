package io.payable.console;

import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import io.payable.wire.inference.InvalidInferenceBatchException;
import io.payable.wire.inference.SignedInferenceBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output texts of recent inference events, read from the signed event batches on the inference
 * topic (the tables keep spans and money, not whole outputs). Only batches whose signature verifies
 * are kept; which workers are registered is the attribution job's business, and the trace page
 * shows the money from the tables, never from here. Bounded: the newest {@link #CAPACITY} events.
 */
final class InferenceOutputs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceOutputs.class);
  static final int CAPACITY = 20_000;

  /** Records (event batches) read back per partition at start. */
  static final long RECORDS_PER_PARTITION = 5_000;

  private final Map<String, String> outputs =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > CAPACITY;
        }
      };
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  private InferenceOutputs(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(64 << 20));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(props);
    this.thread = new Thread(() -> run(topic), "console-inference-outputs");
    thread.setDaemon(true);
  }

  static InferenceOutputs start(String bootstrapServers, String topic) {
    InferenceOutputs outputs = new InferenceOutputs(bootstrapServers, topic);
    outputs.thread.start();
    return outputs;
  }

  private void run(String topic) {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      while (running && partitions.isEmpty()) {
        consumer
            .partitionsFor(topic, Duration.ofSeconds(10))
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        if (partitions.isEmpty()) {
          Thread.sleep(1_000);
        }
      }
      consumer.assign(partitions);
      // The newest records only: a long-lived topic is not read from its start.
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        consumer.seek(p, Math.max(begin.get(p), end.get(p) - RECORDS_PER_PARTITION));
      }
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          add(record.value());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.warn("Stopped reading {}: {}", topic, ConsoleServer.oneLine(e));
    }
  }

  private void add(byte[] value) {
    if (value == null) {
      return;
    }
    try {
      SignedInferenceBatch batch = InferenceEventEnvelope.verify(value);
      synchronized (outputs) {
        for (InferenceEvent e : batch.events()) {
          outputs.put(e.eventId(), e.outputText());
        }
      }
    } catch (InvalidInferenceBatchException | RuntimeException e) {
      // Hostile or malformed: the attribution job rejects it with a reason; nothing to show.
    }
  }

  Optional<String> output(String eventId) {
    synchronized (outputs) {
      return Optional.ofNullable(outputs.get(eventId));
    }
  }

  /** Events whose output is exactly {@code text} (after trimming). */
  List<String> eventsWithOutput(String text) {
    String wanted = text.strip();
    List<String> out = new ArrayList<>();
    synchronized (outputs) {
      outputs.forEach(
          (id, output) -> {
            if (output != null && output.strip().equals(wanted)) {
              out.add(id);
            }
          });
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
    consumer.close(Duration.ofSeconds(1));
  }
}
