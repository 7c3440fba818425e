package io.payable.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.payable.up.PlatformTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the Kubernetes manifests under deploy/k8s and the local job list under deploy/local/jobs
 * against the code: FlinkDeployments for the three jobs (application mode, savepoint upgrades,
 * checkpoints and savepoints on S3, Kubernetes HA, the Prometheus reporter), every program argument
 * an option the job declares, and a topic for every topic the jobs use.
 */
class DeployManifestsTest {

  static final Set<String> JOBS =
      Set.of(
          "io.payable.jobs.ingest.IngestJob",
          "io.payable.jobs.attribution.AttributionJob",
          "io.payable.jobs.settlement.SettlementJob");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String PROMETHEUS_FACTORY =
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

  private static final Path K8S = DeployLayout.repository().resolve("deploy/k8s");

  @Test
  void everyManifestParsesAndTheKustomizationListsIt() throws IOException {
    List<String> files = yamlFiles().stream().map(p -> p.getFileName().toString()).toList();
    assertThat(files).contains("kustomization.yaml", "topics.yaml", "iceberg-catalog.yaml");
    JsonNode kustomization = documents(K8S.resolve("kustomization.yaml")).get(0);
    List<String> resources = new ArrayList<>();
    kustomization.get("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources)
        .containsExactlyInAnyOrderElementsOf(
            files.stream().filter(f -> !f.equals("kustomization.yaml")).toList());
    for (JsonNode doc : allDocuments()) {
      if (doc.path("kind").asText().equals("Kustomization")) {
        continue;
      }
      assertThat(doc.path("apiVersion").asText()).as("apiVersion").isNotBlank();
      assertThat(doc.path("kind").asText()).as("kind").isNotBlank();
      assertThat(doc.path("metadata").path("name").asText()).as("metadata.name").isNotBlank();
    }
  }

  @Test
  void thereIsOneFlinkDeploymentPerJob() throws IOException {
    List<String> entryClasses =
        flinkDeployments().stream()
            .map(d -> d.path("spec").path("job").path("entryClass").asText())
            .toList();
    assertThat(entryClasses).containsExactlyInAnyOrderElementsOf(JOBS);
  }

  @TestFactory
  Stream<DynamicTest> flinkDeploymentsRunInApplicationModeWithDurableState() throws IOException {
    return flinkDeployments().stream()
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.path("metadata").path("name").asText(), () -> checkDeployment(d)));
  }

  private static void checkDeployment(JsonNode deployment) {
    assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
    JsonNode spec = deployment.path("spec");
    assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_1");
    assertThat(spec.path("image").asText()).isNotBlank();
    assertThat(spec.path("serviceAccount").asText()).isNotBlank();
    JsonNode job = spec.path("job");
    assertThat(job.path("jarURI").asText())
        .startsWith("local:///opt/flink/usrlib/")
        .endsWith(".jar");
    assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(job.path("state").asText()).isEqualTo("running");
    assertThat(job.path("parallelism").asInt()).isPositive();
    assertThat(spec.path("jobManager").path("resource").path("memory").asText()).isNotBlank();
    assertThat(spec.path("taskManager").path("resource").path("memory").asText()).isNotBlank();

    Configuration flink = flinkConfiguration(deployment);
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("s3://");
    assertThat(flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("s3://");
    assertThat(flink.get(HighAvailabilityOptions.HA_MODE)).isEqualTo("kubernetes");
    assertThat(flink.get(HighAvailabilityOptions.HA_STORAGE_PATH)).startsWith("s3://");
    Map<String, String> raw = flink.toMap();
    assertThat(raw).containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY);
    String port = raw.get("metrics.reporter.prom.port");
    assertThat(port).as("metrics.reporter.prom.port").isNotBlank();

    JsonNode container = mainContainer(spec);
    List<String> metricsPorts = new ArrayList<>();
    container
        .path("ports")
        .forEach(
            p -> {
              if (p.path("name").asText().equals("metrics")) {
                metricsPorts.add(p.path("containerPort").asText());
              }
            });
    assertThat(metricsPorts).as("container port 'metrics'").containsExactly(port);
    List<String> plugins = new ArrayList<>();
    container
        .path("env")
        .forEach(
            e -> {
              if (e.path("name").asText().equals("ENABLE_BUILT_IN_PLUGINS")) {
                plugins.add(e.path("value").asText());
              }
            });
    assertThat(plugins).as("an S3 file system plugin").anyMatch(p -> p.contains("flink-s3-fs-"));
  }

  @Test
  void jobsKeepTheirStateApart() throws IOException {
    Set<String> dirs = new HashSet<>();
    for (JsonNode d : flinkDeployments()) {
      Configuration flink = flinkConfiguration(d);
      for (String dir :
          List.of(
              flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY),
              flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY),
              flink.get(HighAvailabilityOptions.HA_STORAGE_PATH))) {
        assertThat(dirs.add(dir)).as("%s used once", dir).isTrue();
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> everyProgramArgumentIsAnOptionOfItsJob() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode d : flinkDeployments()) {
      List<String> args = new ArrayList<>();
      d.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
      String entryClass = d.path("spec").path("job").path("entryClass").asText();
      tests.add(
          DynamicTest.dynamicTest(
              "k8s " + d.path("metadata").path("name").asText(),
              () -> checkArguments(entryClass, args)));
    }
    for (LocalJob job : LocalJob.all()) {
      tests.add(
          DynamicTest.dynamicTest(
              "local " + job.name(), () -> checkArguments(job.entryClass(), job.arguments())));
    }
    return tests.stream();
  }

  private static void checkArguments(String entryClass, List<String> args) {
    assumeThat(JobOptions.exists(entryClass))
        .as("%s is not built yet; its arguments are checked once it is", entryClass)
        .isTrue();
    assertThatCode(() -> Class.forName(entryClass).getMethod("main", String[].class))
        .doesNotThrowAnyException();
    Map<String, ConfigOption<?>> known = JobOptions.of(entryClass);
    assertThat(args.size() % 2).as("--key value pairs: %s", args).isZero();
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String key = args.get(i);
      assertThat(key).as("argument %d", i).startsWith("--");
      assertThat(known).as("%s declares %s", entryClass, key).containsKey(key.substring(2));
      assertThat(values.put(key.substring(2), args.get(i + 1))).as("%s given twice", key).isNull();
    }
    Configuration config = Configuration.fromMap(values);
    for (String key : values.keySet()) {
      if (values.get(key).contains("${")) {
        continue; // a placeholder the local script fills in
      }
      ConfigOption<?> option = known.get(key);
      assertThatCode(() -> config.get(option))
          .as("value of %s: %s", key, values.get(key))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void theJobsShareOneIcebergCatalog() throws IOException {
    Set<Map<String, String>> catalogs = new HashSet<>();
    for (JsonNode d : flinkDeployments()) {
      List<String> args = new ArrayList<>();
      d.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
      Map<String, String> iceberg = new HashMap<>();
      for (int i = 0; i + 1 < args.size(); i += 2) {
        if (args.get(i).startsWith("--iceberg.")) {
          iceberg.put(args.get(i), args.get(i + 1));
        }
      }
      assertThat(iceberg).containsEntry("--iceberg.catalog-type", "rest");
      assertThat(iceberg.get("--iceberg.warehouse")).startsWith("s3://");
      assertThat(iceberg).containsEntry("--iceberg.io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
      catalogs.add(iceberg);
    }
    assertThat(catalogs).hasSize(1);
  }

  @Test
  void everyTopicTheJobsUseIsDefined() throws IOException {
    Map<String, JsonNode> topics = new HashMap<>();
    for (JsonNode doc : allDocuments()) {
      if (doc.path("kind").asText().equals("KafkaTopic")) {
        assertThat(doc.path("apiVersion").asText()).startsWith("kafka.strimzi.io/");
        topics.put(doc.path("metadata").path("name").asText(), doc);
      }
    }
    Set<String> used = new HashSet<>(PlatformTopics.ALL);
    for (String job : JOBS) {
      if (JobOptions.exists(job)) {
        used.addAll(JobOptions.defaultTopics(job));
      }
    }
    assertThat(topics.keySet()).containsAll(used);
    for (JsonNode topic : topics.values()) {
      assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isNotBlank();
      JsonNode spec = topic.path("spec");
      assertThat(spec.path("partitions").asInt()).isPositive();
      int replicas = spec.path("replicas").asInt();
      assertThat(spec.path("config").path("min.insync.replicas").asInt())
          .isPositive()
          .isLessThan(replicas);
    }
  }

  @Test
  void theLocalJobListHasADeploymentForEveryJob() throws IOException {
    Set<String> deployed = new HashSet<>();
    flinkDeployments()
        .forEach(d -> deployed.add(d.path("spec").path("job").path("entryClass").asText()));
    assertThat(LocalJob.all().stream().map(LocalJob::entryClass))
        .containsExactlyInAnyOrderElementsOf(deployed);
  }

  @Test
  void prometheusScrapesThePortsTheReporterListensOn() throws IOException {
    JsonNode monitor =
        allDocuments().stream()
            .filter(d -> d.path("kind").asText().equals("PodMonitor"))
            .findFirst()
            .orElseThrow();
    assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText())
        .isEqualTo("metrics");
    Map<String, String> selector = new HashMap<>();
    monitor
        .path("spec")
        .path("selector")
        .path("matchLabels")
        .properties()
        .forEach(e -> selector.put(e.getKey(), e.getValue().asText()));
    for (JsonNode d : flinkDeployments()) {
      JsonNode labels = d.path("spec").path("podTemplate").path("metadata").path("labels");
      selector.forEach(
          (k, v) -> {
            if (!k.equals("type")) { // set by the operator on every pod it creates
              assertThat(labels.path(k).asText()).as("pod label %s", k).isEqualTo(v);
            }
          });
    }
  }

  private static JsonNode mainContainer(JsonNode spec) {
    for (JsonNode c : spec.path("podTemplate").path("spec").path("containers")) {
      if (c.path("name").asText().equals("flink-main-container")) {
        return c;
      }
    }
    throw new AssertionError("no flink-main-container in the pod template");
  }

  private static Configuration flinkConfiguration(JsonNode deployment) {
    Map<String, String> map = new HashMap<>();
    deployment
        .path("spec")
        .path("flinkConfiguration")
        .properties()
        .forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return Configuration.fromMap(map);
  }

  private static List<JsonNode> flinkDeployments() throws IOException {
    return allDocuments().stream()
        .filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
        .toList();
  }

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> files = Files.list(K8S)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static List<JsonNode> allDocuments() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Path file : yamlFiles()) {
      out.addAll(documents(file));
    }
    return out;
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      List<JsonNode> out = new ArrayList<>();
      it.forEachRemaining(
          n -> {
            if (n != null && !n.isNull() && !n.isMissingNode()) {
              out.add(n);
            }
          });
      return out;
    }
  }
}
