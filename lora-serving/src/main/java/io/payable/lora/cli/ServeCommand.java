package io.payable.lora.cli;

import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.http.WorkerHttpServer;
import io.payable.lora.metering.EventSink;
import io.payable.lora.metering.KafkaEventSink;
import io.payable.lora.metering.MemoryEventSink;
import io.payable.lora.metering.WorkerKey;
import io.payable.lora.payment.ChainPayments;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.models.InvalidModelException;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable serve}: runs a LoRA worker until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve one base model with many LoRA adapters over an OpenAI-compatible HTTP API and"
            + " emit signed inference events to Kafka.")
public final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--base",
      required = true,
      description =
          "Base model: a Hugging Face checkpoint directory (config.json, model.safetensors or a"
              + " sharded index, tokenizer.json) of the Llama, Mistral, Qwen2 or Qwen3 family.")
  Path base;

  @Option(
      names = "--chat-template",
      description =
          "Jinja chat template file for /v1/chat/completions; default: the chat_template of"
              + " tokenizer_config.json.")
  Path chatTemplate;

  @Option(
      names = "--served-model-name",
      description = "The base model's id in the API; default: the base directory's name.")
  String servedModelName;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Option(names = "--adapters", required = true, description = "Directory of PEFT adapters.")
  Path adapters;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address.")
  String host;

  @Option(names = "--port", defaultValue = "8090", description = "HTTP port.")
  int port;

  @Option(names = "--slots", defaultValue = "32", description = "Device adapter slots (M).")
  int slots;

  @Option(names = "--cpu-adapters", defaultValue = "256", description = "CPU tier size (N > M).")
  int cpuAdapters;

  @Option(names = "--max-rank", defaultValue = "64", description = "Largest adapter rank.")
  int maxRank;

  @Option(names = "--max-running", defaultValue = "64", description = "Requests per batch.")
  int maxRunning;

  @Option(
      names = "--max-adapters-per-step",
      defaultValue = "64",
      description = "Distinct adapters per forward step.")
  int maxAdaptersPerStep;

  @Option(
      names = "--price-wei",
      defaultValue = "1000000000",
      description = "Default price in wei per output token.")
  BigInteger priceWei;

  @Option(names = "--prices", description = "Per-adapter prices, adapterId=wei lines.")
  Path prices;

  @Option(
      names = "--kafka",
      description = "Kafka bootstrap servers; without it events stay in memory (testing only).")
  String kafka;

  @Option(names = "--topic", defaultValue = KafkaEventSink.TOPIC, description = "Event topic.")
  String topic;

  @Option(
      names = "--worker-key-file",
      description = "File with the worker's hex private key; default: $" + WorkerKey.ENV + ".")
  Path keyFile;

  @Option(
      names = "--rpc",
      description =
          "JSON-RPC URL of the chain; with --deployment, serve paid requests only (vouchers) and"
              + " read adapter prices from ModelRegistry.")
  String rpc;

  @Option(names = "--deployment", description = "Deployment file of the contracts (with --rpc).")
  Path deployment;

  @Option(
      names = "--deposit-staleness",
      defaultValue = "PT10S",
      description =
          "How old a consumer's escrow balance may be before it is read again (ISO-8601).")
  java.time.Duration depositStaleness;

  @Option(names = "--torch-threads", description = "PyTorch intra-op threads.")
  Integer torchThreads;

  @Option(names = "--http-threads", defaultValue = "128", description = "HTTP handler threads.")
  int httpThreads;

  @Override
  public Integer call() throws Exception {
    if (torchThreads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", torchThreads.toString());
    }
    ECKeyPair key = WorkerKey.load(keyFile);
    WorkerConfig cfg =
        WorkerConfig.builder()
            .baseDir(base)
            .adaptersDir(adapters)
            .deviceSlots(slots)
            .cpuAdapters(cpuAdapters)
            .maxRank(maxRank)
            .scheduler(
                SchedulerConfig.builder()
                    .maxRunning(maxRunning)
                    .maxAdaptersPerStep(maxAdaptersPerStep)
                    .build())
            .defaultPriceWei(priceWei)
            .pricesFile(prices)
            .kafkaBootstrap(kafka)
            .topic(topic)
            .host(host)
            .port(port)
            .servedModelName(servedModelName)
            .chatTemplate(chatTemplate)
            .build();
    if (chatTemplate != null && !java.nio.file.Files.isRegularFile(chatTemplate)) {
      spec.commandLine().getErr().println("error: no chat template file " + chatTemplate);
      return 2;
    }
    EventSink sink =
        kafka == null
            ? new MemoryEventSink()
            : new KafkaEventSink(kafka, topic, key, cfg.eventBatch(), cfg.eventLinger());
    CountDownLatch stop = new CountDownLatch(1);
    LoraWorker started;
    try {
      started = new LoraWorker(cfg, key, sink);
    } catch (InvalidModelException | java.io.UncheckedIOException e) {
      // One line naming the file, tensor and expected shape; the trace only when asked for.
      spec.commandLine().getErr().println("error: " + e.getMessage());
      if (verbose || Boolean.getBoolean("payable.verbose")) {
        e.printStackTrace(spec.commandLine().getErr());
      }
      sink.close();
      return 2;
    }
    if ((rpc == null) != (deployment == null)) {
      spec.commandLine().getErr().println("error: --rpc and --deployment go together");
      started.close();
      return 2;
    }
    org.web3j.protocol.Web3j web3j = null;
    if (rpc != null) {
      web3j = org.web3j.protocol.Web3j.build(new org.web3j.protocol.http.HttpService(rpc));
      try {
        io.payable.contracts.deploy.Deployment d =
            io.payable.contracts.deploy.Deployment.read(deployment);
        io.payable.contracts.chain.ChainClient chain =
            new io.payable.contracts.chain.ChainClient(web3j, d.chainId());
        ChainPayments.loadPrices(
            chain,
            d,
            started.prices(),
            started.registry().all().stream().map(a -> a.id()).toList());
        started.payments(ChainPayments.gate(chain, d, depositStaleness));
      } catch (Exception e) {
        spec.commandLine().getErr().println("error: payments: " + e.getMessage());
        if (verbose) {
          e.printStackTrace(spec.commandLine().getErr());
        }
        started.close();
        web3j.shutdown();
        return 2;
      }
    }
    try (LoraWorker worker = started;
        WorkerHttpServer http = new WorkerHttpServer(worker, host, port, httpThreads)) {
      spec.commandLine()
          .getOut()
          .printf(
              "LoRA worker %s serving %s with %d adapters on http://%s:%d%s%n",
              InferenceEventEnvelope.address(key),
              worker.modelId(),
              worker.registry().all().size(),
              host,
              http.port(),
              kafka == null ? " (events kept in memory: no --kafka)" : " -> " + topic);
      spec.commandLine().getOut().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } finally {
      if (web3j != null) {
        web3j.shutdown();
      }
    }
    return 0;
  }
}
