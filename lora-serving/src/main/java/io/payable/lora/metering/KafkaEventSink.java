package io.payable.lora.metering;

import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * Batches inference events into signed Arrow IPC records and produces them to Kafka with an
 * idempotent producer (acks=all), keyed by worker address. A batch is sent when it reaches {@code
 * maxBatch} events or {@code linger} has passed since its first event.
 */
public final class KafkaEventSink implements EventSink {

  public static final String TOPIC = "inference.events";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final ECKeyPair key;
  private final byte[] recordKey;
  private final int maxBatch;
  private final long lingerNanos;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong eventsSent = new AtomicLong();
  private final AtomicLong batchesSent = new AtomicLong();
  private final AtomicLong eventsFailed = new AtomicLong();
  private volatile boolean closed;

  /** A flush request: the sender completes it once everything queued before it is acked. */
  private static final class Barrier {
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
  }

  public KafkaEventSink(
      String bootstrapServers, String topic, ECKeyPair key, int maxBatch, Duration linger) {
    this(newProducer(bootstrapServers), topic, key, maxBatch, linger);
  }

  KafkaEventSink(
      Producer<byte[], byte[]> producer,
      String topic,
      ECKeyPair key,
      int maxBatch,
      Duration linger) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
    this.recordKey = InferenceEventEnvelope.address(key).getBytes(StandardCharsets.UTF_8);
    this.maxBatch = maxBatch;
    this.lingerNanos = linger.toNanos();
    this.thread = new Thread(this::run, "inference-event-sink");
    this.thread.setDaemon(true);
    this.thread.start();
    LOG.info("signing inference events as worker {}", InferenceEventEnvelope.address(key));
  }

  static Producer<byte[], byte[]> newProducer(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "payable-lora-worker");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public void accept(InferenceEvent event) {
    if (closed) {
      throw new IllegalStateException("event sink closed");
    }
    queue.add(event);
  }

  @Override
  public void flush() {
    Barrier b = new Barrier();
    queue.add(b);
    try {
      if (!b.done.await(2, TimeUnit.MINUTES)) {
        LOG.warn("flush of inference events timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long eventsSent() {
    return eventsSent.get();
  }

  public long batchesSent() {
    return batchesSent.get();
  }

  public long eventsFailed() {
    return eventsFailed.get();
  }

  private void run() {
    List<InferenceEvent> batch = new ArrayList<>();
    long deadline = Long.MAX_VALUE;
    while (!closed || !queue.isEmpty()) {
      try {
        long wait = batch.isEmpty() ? 100_000_000L : Math.max(0, deadline - System.nanoTime());
        Object o = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (o instanceof InferenceEvent e) {
          if (batch.isEmpty()) {
            deadline = System.nanoTime() + lingerNanos;
          }
          batch.add(e);
        }
        boolean barrier = o instanceof Barrier;
        if (!batch.isEmpty()
            && (batch.size() >= maxBatch || System.nanoTime() >= deadline || barrier)) {
          send(batch);
          batch = new ArrayList<>();
        }
        if (barrier) {
          producer.flush();
          ((Barrier) o).done.countDown();
        }
      } catch (InterruptedException e) {
        if (!closed) {
          Thread.currentThread().interrupt();
          return;
        }
      } catch (RuntimeException e) {
        LOG.error("sending inference events failed", e);
      }
    }
    if (!batch.isEmpty()) {
      send(batch);
    }
  }

  private void send(List<InferenceEvent> batch) {
    byte[] value = InferenceEventEnvelope.sign(batch, key);
    int n = batch.size();
    producer.send(
        new ProducerRecord<>(topic, recordKey, value),
        (meta, err) -> {
          if (err != null) {
            eventsFailed.addAndGet(n);
            LOG.error("inference-event batch of {} events not delivered", n, err);
          } else {
            eventsSent.addAndGet(n);
            batchesSent.incrementAndGet();
          }
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    flush();
    closed = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(30));
  }
}
