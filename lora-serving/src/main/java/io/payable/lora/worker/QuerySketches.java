package io.payable.lora.worker;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.models.influence.Bfloat16;
import io.payable.models.train.InfluenceSketches;
import io.payable.models.train.QuerySketcher;
import io.payable.wire.inference.QuerySketch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The query sketches a worker signs into the events of adapters attributed by gradients
 * (docs/attribution.md, V2.4): one forward and backward pass over prompt and output at the served
 * adapter's weights. The method comes from the adapter's training manifest ({@code
 * attribution_method}, as ModelFactory registers it); an adapter without a manifest is attributed
 * by spans. Sketchers hold the base model once per adapter, so only the most recently used few are
 * kept.
 */
final class QuerySketches implements AutoCloseable {
  static final String MANIFEST = "training-manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path baseDir;
  private final Device device;
  private final int keep;
  private final Map<String, QuerySketcher> open = new LinkedHashMap<>(4, 0.75f, true);
  private final Map<String, Boolean> gradient = new java.util.concurrent.ConcurrentHashMap<>();

  QuerySketches(Path baseDir, Device device, int keep) {
    this.baseDir = baseDir;
    this.device = device;
    this.keep = keep;
  }

  /** The attribution method in an adapter directory's training manifest; {@code spans} without. */
  static String method(Path adapterDir) {
    Path manifest = adapterDir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return "spans";
    }
    try {
      JsonNode m = JSON.readTree(manifest.toFile()).path("attribution_method");
      return m.isTextual() ? m.asText().toLowerCase(Locale.ROOT) : "spans";
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable training manifest in " + adapterDir, e);
    }
  }

  /**
   * Whether events of this adapter carry a query sketch (method {@code gradient} or {@code
   * hybrid}).
   */
  boolean sketched(AdapterDescriptor adapter) {
    return gradient.computeIfAbsent(
        key(adapter),
        k -> {
          String m = method(adapter.dir());
          return m.equals("gradient") || m.equals("hybrid");
        });
  }

  /**
   * The query sketch of {@code output} given {@code prompt} at the adapter's weights, bfloat16.
   *
   * @throws IllegalArgumentException when either is empty
   */
  synchronized QuerySketch sketch(AdapterDescriptor adapter, int[] prompt, int[] output)
      throws IOException {
    String k = key(adapter);
    QuerySketcher sketcher = open.get(k);
    if (sketcher == null) {
      sketcher = QuerySketcher.open(baseDir, adapter.dir(), InfluenceSketches.DEFAULT_K, device);
      open.put(k, sketcher);
      while (open.size() > keep) {
        var eldest = open.entrySet().iterator().next();
        eldest.getValue().close();
        open.remove(eldest.getKey());
      }
    }
    float[] values = sketcher.sketch(prompt, output);
    short[] bits = new short[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Bfloat16.encode(values[i]);
    }
    return QuerySketch.ofBits(bits, prompt);
  }

  private static String key(AdapterDescriptor a) {
    return a.id() + "@" + a.version();
  }

  @Override
  public synchronized void close() {
    open.values().forEach(QuerySketcher::close);
    open.clear();
  }
}
