package io.payable.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.jobs.attribution.AttributionOptions;
import io.payable.jobs.dataset.DatasetOptions;
import io.payable.jobs.ingest.IngestOptions;
import io.payable.jobs.settlement.SettlementOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md documents every option each job declares, names no option that does not exist,
 * and states the defaults the code has: the option tables cannot drift from the code.
 */
class OptionsDocumentedTest {

  private static final Pattern KEY = Pattern.compile("`([a-z0-9-]+(?:\\.[a-z0-9-]+)+)`");
  private static final List<Class<?>> SHARED =
      List.of(IcebergOptions.class, KafkaLimitOptions.class, PlatformOptions.class);

  private static Path docs() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/operations.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("docs/operations.md above the module").isNotNull();
    return dir.resolve("docs/operations.md");
  }

  /** The table rows (key cell -> default cell) under "### Options" of the "## {job}" section. */
  private static Map<String, String> table(String job) throws Exception {
    List<String> lines = Files.readAllLines(docs());
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inJob = false;
    boolean inOptions = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inJob = line.equals("## " + job);
        inOptions = false;
      } else if (line.startsWith("### ")) {
        inOptions = inJob && line.equals("### Options");
      } else if (inOptions && line.startsWith("| `")) {
        String[] cells = line.split("(?<!\\\\)\\|");
        Matcher m = KEY.matcher(cells[1]);
        while (m.find()) {
          rows.put(m.group(1), cells[2].strip());
        }
      }
    }
    assertThat(rows).as("option table of " + job).isNotEmpty();
    return rows;
  }

  private static Map<String, ConfigOption<?>> declared(Class<?>... holders) throws Exception {
    Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
    for (Class<?> holder : holders) {
      for (Field f : holder.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.equals(f.getType())) {
          ConfigOption<?> o = (ConfigOption<?>) f.get(null);
          options.put(o.key(), o);
        }
      }
    }
    return options;
  }

  private static void check(String job, Class<?> jobOptions, List<String> sharedDocumentedAs)
      throws Exception {
    Map<String, String> documented = table(job);
    Map<String, ConfigOption<?>> own = declared(jobOptions);
    Map<String, ConfigOption<?>> shared = declared(SHARED.toArray(Class<?>[]::new));

    List<String> undocumented = new ArrayList<>();
    for (String key : own.keySet()) {
      if (!documented.containsKey(key)) {
        undocumented.add(key);
      }
    }
    assertThat(undocumented).as("options of the %s without a row in its table", job).isEmpty();

    Map<String, ConfigOption<?>> all = new LinkedHashMap<>(own);
    all.putAll(shared);
    TreeSet<String> unknown = new TreeSet<>(documented.keySet());
    unknown.removeAll(all.keySet());
    assertThat(unknown).as("rows of the %s table naming no option", job).isEmpty();

    for (String key : sharedDocumentedAs) {
      assertThat(documented).as("shared option %s in the %s table", key, job).containsKey(key);
    }

    List<String> wrongDefaults = new ArrayList<>();
    documented.forEach(
        (key, cell) -> {
          String expected = literal(all.get(key));
          String actual = cell.replace("`", "").strip();
          if (expected != null && looksLiteral(actual) && !expected.equals(actual)) {
            wrongDefaults.add(key + ": documented " + actual + ", declared " + expected);
          }
        });
    assertThat(wrongDefaults).as("defaults in the %s table", job).isEmpty();
  }

  /** A documented default that states a value, rather than describing one. */
  private static boolean looksLiteral(String cell) {
    return !cell.isEmpty() && !cell.startsWith("(") && !cell.contains(" ") && !cell.contains("<")
        || isDuration(cell);
  }

  private static boolean isDuration(String cell) {
    return cell.matches("\\d+ (ms|s|min|h|d)");
  }

  /** The declared default as the tables write it, or null when it has no plain form. */
  private static String literal(ConfigOption<?> option) {
    if (option == null || !option.hasDefaultValue()) {
      return null;
    }
    Object v = option.defaultValue();
    if (v instanceof Duration d) {
      if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
        return d.toDays() + " d";
      }
      if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
        return d.toHours() + " h";
      }
      if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
        return d.toMinutes() + " min";
      }
      if (d.toSeconds() > 0 && d.equals(Duration.ofSeconds(d.toSeconds()))) {
        return d.toSeconds() + " s";
      }
      return d.toMillis() + " ms";
    }
    if (v instanceof List<?> list) {
      return list.isEmpty() ? null : String.join(";", list.stream().map(String::valueOf).toList());
    }
    if (v instanceof Map<?, ?>) {
      return null;
    }
    return String.valueOf(v);
  }

  @Test
  void ingestJob() throws Exception {
    check(
        "Ingest job",
        IngestOptions.class,
        List.of(
            "kafka.producer.max-request-size", "rejections.raw-prefix-bytes", "iceberg.warehouse"));
  }

  @Test
  void attributionJob() throws Exception {
    check("Attribution job", AttributionOptions.class, List.of());
  }

  @Test
  void settlementJob() throws Exception {
    check(
        "Settlement job",
        SettlementOptions.class,
        List.of("kafka.producer.max-request-size", "rejections.raw-prefix-bytes"));
  }

  @Test
  void datasetJob() throws Exception {
    check("Dataset job", DatasetOptions.class, List.of("iceberg.warehouse"));
  }

  @Test
  void sharedOptionsAreDocumentedOnce() throws Exception {
    Map<String, String> ingest = table("Ingest job");
    for (String key : declared(SHARED.toArray(Class<?>[]::new)).keySet()) {
      assertThat(ingest).as("shared option %s in the ingest table", key).containsKey(key);
    }
  }

  @Test
  void everyJobDocumentsTheSharedKeysAndTheKafkaPassthrough() throws Exception {
    List<String> lines = Files.readAllLines(docs());
    for (String job : List.of("Ingest job", "Attribution job", "Settlement job")) {
      assertThat(table(job))
          .as("shared keys in the %s table", job)
          .containsKey("kafka.bootstrap-servers");
      boolean inJob = false;
      boolean passthrough = false;
      for (String line : lines) {
        if (line.startsWith("## ")) {
          inJob = line.equals("## " + job);
        } else if (inJob
            && line.startsWith("| `" + PlatformOptions.KAFKA_PROPERTIES_PREFIX + "*` |")) {
          passthrough = true;
        }
      }
      assertThat(passthrough).as("a kafka.properties.* row in the %s table", job).isTrue();
    }
    assertThat(lines).as("the shared options section").contains("## Shared options");
  }
}
