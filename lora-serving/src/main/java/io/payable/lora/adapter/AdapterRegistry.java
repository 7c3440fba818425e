package io.payable.lora.adapter;

import io.payable.models.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapters a worker may serve: every sub-directory of the adapters directory, validated against
 * the base model when registered. Invalid adapters are reported, not served.
 */
public final class AdapterRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterRegistry.class);

  private final Path root;
  private final ModelConfig model;
  private final int maxRank;
  private final Map<String, AdapterDescriptor> adapters = new ConcurrentSkipListMap<>();
  private final Map<String, String> rejected = new ConcurrentSkipListMap<>();

  public AdapterRegistry(Path root, ModelConfig model, int maxRank) {
    this.root = root;
    this.model = model;
    this.maxRank = maxRank;
  }

  /** Registers every adapter directory under the root; returns how many were accepted. */
  public int scan() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      s.filter(Files::isDirectory).forEach(dirs::add);
    }
    int ok = 0;
    for (Path d : dirs) {
      try {
        register(d.getFileName().toString());
        ok++;
      } catch (InvalidAdapterException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
    return ok;
  }

  /** Validates and registers {@code root/id}. */
  public AdapterDescriptor register(String id) throws InvalidAdapterException {
    return register(id, null);
  }

  /**
   * Validates and registers an adapter directory under an id; {@code dir} null means {@code
   * root/id}. A directory outside the adapters root is refused, so a client cannot make the worker
   * read arbitrary files.
   */
  public AdapterDescriptor register(String id, Path dir) throws InvalidAdapterException {
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,128}") || id.startsWith(".")) {
      throw new InvalidAdapterException(id, "adapter ids are 1-128 of [A-Za-z0-9._-]");
    }
    Path resolved = (dir == null ? root.resolve(id) : root.resolve(dir)).normalize();
    if (!resolved.startsWith(root.normalize())) {
      throw new InvalidAdapterException(id, "adapter path must lie inside the adapters directory");
    }
    try {
      AdapterDescriptor d = AdapterFiles.describe(id, resolved, model, maxRank);
      adapters.put(id, d);
      rejected.remove(id);
      return d;
    } catch (InvalidAdapterException e) {
      rejected.put(id, e.getMessage());
      throw e;
    }
  }

  /** Removes an adapter from serving; returns whether it was registered. */
  public boolean unregister(String id) {
    return adapters.remove(id) != null;
  }

  /** Null when the id is not registered. */
  public AdapterDescriptor get(String id) {
    return adapters.get(id);
  }

  public Collection<AdapterDescriptor> all() {
    return adapters.values();
  }

  /** Adapter id to the validation error that kept it out. */
  public Map<String, String> rejected() {
    return Map.copyOf(rejected);
  }
}
