package io.payable.lora.adapter;

import io.payable.models.InvalidModelException;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.PeftConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and validates PEFT adapter directories ({@code adapter_config.json} + {@code
 * adapter_model.safetensors}) against a base model.
 */
public final class AdapterFiles {

  private AdapterFiles() {}

  /** Checks an adapter directory against the model from its config and tensor header only. */
  public static AdapterDescriptor describe(String id, Path dir, ModelConfig model, int maxRank)
      throws InvalidAdapterException {
    PeftConfig cfg;
    long bytes;
    try {
      cfg = PeftAdapter.check(dir, model);
      bytes = Files.size(dir.resolve(PeftAdapter.WEIGHTS));
    } catch (InvalidModelException | UncheckedIOException e) {
      throw new InvalidAdapterException(id, e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidAdapterException(id, "cannot read " + PeftAdapter.WEIGHTS + ": " + e, e);
    }
    if (cfg.rank() > maxRank) {
      throw new InvalidAdapterException(
          id, "rank " + cfg.rank() + " exceeds the worker's maximum rank " + maxRank);
    }
    String version = cfg.revision() != null ? cfg.revision() : "r" + cfg.rank();
    return new AdapterDescriptor(id, dir, version, cfg.rank(), cfg.scaling(), bytes);
  }

  /** Loads the weights of a described adapter. */
  public static LoraAdapter load(AdapterDescriptor d, ModelConfig model)
      throws InvalidAdapterException {
    try {
      return new LoraAdapter(d.id(), d.version(), PeftAdapter.read(d.dir(), model));
    } catch (InvalidModelException | UncheckedIOException e) {
      throw new InvalidAdapterException(d.id(), e.getMessage(), e);
    }
  }
}
