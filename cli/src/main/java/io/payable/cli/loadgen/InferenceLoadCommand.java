package io.payable.cli.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.chain.KeySource;
import io.payable.loadgen.IndexDocuments;
import io.payable.loadgen.InferenceEvents;
import io.payable.loadgen.PlantedOutput;
import io.payable.loadgen.PlantedOutputs;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable loadgen inference}: a test tool. Produces signed inference events whose outputs
 * mix verbatim passages of indexed documents with novel text, at a fixed rate, and writes the
 * ground truth (which contributors each output copies) to a JSON-lines file.
 */
@Command(
    name = "inference",
    mixinStandardHelpOptions = true,
    description =
        "Test tool: produce signed inference events that copy passages of indexed documents,"
            + " with the ground truth written aside.")
public final class InferenceLoadCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--rate", defaultValue = "100", description = "Events per second.")
  int rate;

  @Option(names = "--count", defaultValue = "1000", description = "Events in all.")
  int count;

  @Option(names = "--batch", defaultValue = "10", description = "Events per signed record.")
  int batch;

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "inference.events", description = "Events topic.")
  String topic;

  @Option(
      names = "--index-store",
      required = true,
      description = "Index store directory (one directory per Datanet) to copy passages from.")
  Path store;

  @Option(names = "--adapter", required = true, description = "Adapter id the events name.")
  String adapter;

  @Option(names = "--model", defaultValue = "tiny-base", description = "Base model id.")
  String model;

  @Option(
      names = "--worker-key",
      required = true,
      description = "The worker's signing key: env:VARIABLE or file:PATH (hex private key).")
  String workerKey;

  @Option(names = "--price-wei", defaultValue = "1000000000", description = "Price per token.")
  BigInteger price;

  @Option(names = "--words", defaultValue = "190", description = "Words per output (~256 tokens).")
  int words;

  @Option(names = "--planted-share", defaultValue = "0.8", description = "Outputs that copy.")
  double plantedShare;

  @Option(names = "--truth", description = "JSON-lines file for the ground truth.")
  Path truth;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed.")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ECKeyPair key = KeySource.load(workerKey).getEcKeyPair();
    String worker = InferenceEventEnvelope.address(key);
    PlantedOutputs outputs = new PlantedOutputs(IndexDocuments.read(store), seed, plantedShare, 30);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    long start = System.nanoTime();
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        BufferedWriter truthOut =
            truth == null ? null : Files.newBufferedWriter(truth, StandardCharsets.UTF_8)) {
      List<InferenceEvent> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        PlantedOutput output = outputs.next(words);
        InferenceEvent e =
            InferenceEvents.of(
                "lg-" + run + "-" + i,
                worker,
                model,
                adapter,
                "0x" + "cc".repeat(20),
                price,
                output.text(),
                Instant.now());
        pending.add(e);
        if (truthOut != null) {
          ObjectNode n = JSON.createObjectNode();
          n.put("event_id", e.eventId());
          output.contributors().forEach(n.putArray("contributors")::add);
          truthOut.write(JSON.writeValueAsString(n));
          truthOut.newLine();
        }
        if (pending.size() == batch || i == count - 1) {
          producer.send(
              new ProducerRecord<>(
                  topic,
                  worker.getBytes(StandardCharsets.UTF_8),
                  InferenceEventEnvelope.sign(pending, key)));
          pending.clear();
        }
        // Pace to the rate: event i is due at i / rate seconds after the start.
        long due = start + (long) ((i + 1) * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      producer.flush();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(
        "sent %d events in %.1f s (%.0f/s) as worker %s%n",
        count, seconds, count / seconds, worker);
    return 0;
  }
}
