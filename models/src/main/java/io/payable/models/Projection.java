package io.payable.models;

import java.util.Locale;

/**
 * The seven linear projections of a Llama-family decoder layer, the modules LoRA adapters target.
 * Names are the Hugging Face module names; {@link #block} is the sub-module that holds them.
 */
public enum Projection {
  Q_PROJ("self_attn"),
  K_PROJ("self_attn"),
  V_PROJ("self_attn"),
  O_PROJ("self_attn"),
  GATE_PROJ("mlp"),
  UP_PROJ("mlp"),
  DOWN_PROJ("mlp");

  private final String block;

  Projection(String block) {
    this.block = block;
  }

  /** The Hugging Face module name, e.g. {@code q_proj}. */
  public String moduleName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String block() {
    return block;
  }

  /** The module path inside the model, e.g. {@code model.layers.3.self_attn.q_proj}. */
  public String path(int layer) {
    return "model.layers." + layer + "." + block + "." + moduleName();
  }

  /** The projection of a module name, or null. */
  public static Projection ofModuleName(String name) {
    for (Projection p : values()) {
      if (p.moduleName().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
