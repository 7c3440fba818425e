package io.payable.up.demo;

import io.payable.loadgen.IndexDocuments;
import io.payable.loadgen.IndexedDocument;
import io.payable.loadgen.InferenceEvents;
import io.payable.loadgen.PlantedOutputs;
import io.payable.up.PlatformTopics;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * The demo's inference traffic, on a thread of its own: a completion request to the LoRA worker now
 * and then, and, once shards are indexed, a steady stream of load-generator events (the test tool
 * of {@code payable loadgen inference}) whose outputs copy indexed passages. The steady stream also
 * moves event time on, so settlement epochs keep closing.
 */
final class DemoTraffic implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger completions = new AtomicInteger();
  private final AtomicInteger generated = new AtomicInteger();
  private final Thread thread;

  DemoTraffic(
      DemoWorker worker,
      DemoChain chain,
      String bootstrap,
      Path indexStore,
      Map<String, String> adapterOfDatanet,
      List<String> prompts,
      int eventsPerSecond) {
    ECKeyPair key = chain.credentials(DemoChain.WORKER).getEcKeyPair();
    String workerAddress = InferenceEventEnvelope.address(key);
    thread =
        new Thread(
            () -> {
              Properties props = new Properties();
              props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
              props.put(
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
              props.put(
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                  ByteArraySerializer.class.getName());
              Random random = new Random(1);
              PlantedOutputs outputs = null;
              long loadedAt = 0;
              try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                for (long tick = 0; running.get(); tick++) {
                  if (tick % (eventsPerSecond * 3L) == 0) {
                    String adapter =
                        List.copyOf(adapterOfDatanet.values())
                            .get(random.nextInt(adapterOfDatanet.size()));
                    int status =
                        worker.complete(
                            adapter,
                            prompts.get(random.nextInt(prompts.size())),
                            chain.address(DemoChain.FIRST_CONTRIBUTOR));
                    if (status == 200) {
                      completions.incrementAndGet();
                    }
                  }
                  if (System.currentTimeMillis() - loadedAt > 10_000) {
                    loadedAt = System.currentTimeMillis();
                    List<IndexedDocument> docs = IndexDocuments.read(indexStore);
                    if (!docs.isEmpty()) {
                      outputs = new PlantedOutputs(docs, random.nextLong(), 0.85, 30);
                    }
                  }
                  if (outputs != null) {
                    var output = outputs.next(120);
                    String adapter =
                        output.datanets().stream()
                            .map(adapterOfDatanet::get)
                            .filter(java.util.Objects::nonNull)
                            .findFirst()
                            .orElse(adapterOfDatanet.values().iterator().next());
                    InferenceEvent e =
                        InferenceEvents.of(
                            "demo-" + generated.incrementAndGet(),
                            workerAddress,
                            DemoWorker.MODEL_ID,
                            adapter,
                            chain.address(DemoChain.FIRST_CONTRIBUTOR + random.nextInt(5)),
                            DemoChain.PRICE_WEI,
                            output.text(),
                            Instant.now());
                    producer.send(
                        new ProducerRecord<>(
                            PlatformTopics.INFERENCE_EVENTS,
                            workerAddress.getBytes(StandardCharsets.UTF_8),
                            InferenceEventEnvelope.sign(List.of(e), key)));
                  }
                  Thread.sleep(1000 / eventsPerSecond);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                LOG.error("demo traffic stopped", e);
              }
            },
            "demo-traffic");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int completions() {
    return completions.get();
  }

  int generated() {
    return generated.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
