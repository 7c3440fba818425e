package io.payable.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A PEFT LoRA {@code adapter_config.json}: rank, alpha, rsLoRA and the target projections. Options
 * that change the computation in ways not implemented here (per-module ranks, DoRA, extra trained
 * modules, trained biases, ...) are refused with the option named, never ignored.
 *
 * @param rank {@code r}
 * @param alpha {@code lora_alpha}
 * @param useRslora scale by {@code alpha / sqrt(r)} instead of {@code alpha / r}
 * @param targets the projections adapted in every layer
 * @param baseModel {@code base_model_name_or_path}, may be null
 * @param revision {@code revision}, may be null
 */
public record PeftConfig(
    int rank,
    double alpha,
    boolean useRslora,
    Set<Projection> targets,
    String baseModel,
    String revision) {

  public static final String FILE = "adapter_config.json";

  public PeftConfig {
    if (rank <= 0) {
      throw new IllegalArgumentException("rank must be positive, got " + rank);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("an adapter needs at least one target module");
    }
    targets = Set.copyOf(EnumSet.copyOf(targets));
  }

  /** The factor PEFT multiplies {@code B A x} by. */
  public double scaling() {
    return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  /** Reads and checks {@code dir/adapter_config.json}. */
  public static PeftConfig read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(dir + ": no " + FILE);
    }
    JsonNode c;
    try {
      c = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidModelException(file + ": not valid JSON: " + e.getMessage());
    }
    if (c == null || !c.isObject()) {
      throw new InvalidModelException(file + ": not a JSON object");
    }
    return parse(file, c);
  }

  static PeftConfig parse(Path file, JsonNode c) {
    String type = c.hasNonNull("peft_type") ? c.get("peft_type").asText() : "LORA";
    if (!type.equals("LORA")) {
      throw new InvalidModelException(
          file + ": peft_type " + type + " is not supported; expected LORA");
    }
    refuseIf(file, c, "use_dora", n -> n.asBoolean(), "DoRA (use_dora) is not supported");
    refuseIf(
        file,
        c,
        "rank_pattern",
        n -> n.size() > 0,
        "per-module ranks (rank_pattern) are not supported");
    refuseIf(
        file,
        c,
        "alpha_pattern",
        n -> n.size() > 0,
        "per-module alphas (alpha_pattern) are not supported");
    refuseIf(
        file,
        c,
        "modules_to_save",
        n -> !n.isArray() || n.size() > 0,
        "modules_to_save (fully trained extra modules) is not supported");
    refuseIf(
        file,
        c,
        "bias",
        n -> !n.asText().equals("none"),
        "bias training (bias other than \"none\") is not supported");
    refuseIf(file, c, "lora_bias", n -> n.asBoolean(), "lora_bias is not supported");
    refuseIf(
        file,
        c,
        "fan_in_fan_out",
        n -> n.asBoolean(),
        "fan_in_fan_out (Conv1D layers) is not supported");
    refuseIf(file, c, "layers_to_transform", n -> true, "layers_to_transform is not supported");
    refuseIf(file, c, "layer_replication", n -> true, "layer_replication is not supported");
    refuseIf(file, c, "exclude_modules", n -> true, "exclude_modules is not supported");
    refuseIf(file, c, "target_parameters", n -> true, "target_parameters is not supported");
    refuseIf(
        file, c, "trainable_token_indices", n -> true, "trainable_token_indices is not supported");
    refuseIf(file, c, "use_qalora", n -> n.asBoolean(), "QALoRA (use_qalora) is not supported");
    refuseIf(file, c, "alora_invocation_tokens", n -> true, "aLoRA is not supported");
    JsonNode r = c.get("r");
    if (r == null || !r.canConvertToInt() || r.asInt() <= 0) {
      throw new InvalidModelException(file + ": r must be a positive integer");
    }
    JsonNode alpha = c.get("lora_alpha");
    if (alpha == null || !alpha.isNumber()) {
      throw new InvalidModelException(file + ": lora_alpha must be a number");
    }
    return new PeftConfig(
        r.asInt(),
        alpha.asDouble(),
        c.hasNonNull("use_rslora") && c.get("use_rslora").asBoolean(),
        targets(file, c.get("target_modules")),
        c.hasNonNull("base_model_name_or_path") ? c.get("base_model_name_or_path").asText() : null,
        c.hasNonNull("revision") ? c.get("revision").asText() : null);
  }

  private static Set<Projection> targets(Path file, JsonNode t) {
    if (t == null || t.isNull()) {
      throw new InvalidModelException(file + ": target_modules is missing");
    }
    if (t.isTextual()) {
      if (t.asText().equals("all-linear")) {
        return EnumSet.allOf(Projection.class);
      }
      throw new InvalidModelException(
          file
              + ": target_modules as a pattern ("
              + t.asText()
              + ") is not supported; list the modules");
    }
    Set<Projection> out = EnumSet.noneOf(Projection.class);
    for (JsonNode n : t) {
      Projection p = Projection.ofModuleName(n.asText());
      if (p == null) {
        throw new InvalidModelException(
            file
                + ": target module "
                + n.asText()
                + " is not supported; supported: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
      }
      out.add(p);
    }
    if (out.isEmpty()) {
      throw new InvalidModelException(file + ": target_modules is empty");
    }
    return out;
  }

  private interface Check {
    boolean refuse(JsonNode n);
  }

  private static void refuseIf(Path file, JsonNode c, String field, Check check, String reason) {
    JsonNode n = c.get(field);
    if (n != null && !n.isNull() && check.refuse(n)) {
      throw new InvalidModelException(file + ": " + reason);
    }
  }

  /** Writes {@code dir/adapter_config.json} with the fields and defaults PEFT writes. */
  public void write(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = json.createObjectNode();
    c.putObject("alpha_pattern");
    c.put("base_model_name_or_path", baseModel);
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.putNull("layers_pattern");
    c.putNull("layers_to_transform");
    if (alpha == Math.rint(alpha)) {
      c.put("lora_alpha", (long) alpha);
    } else {
      c.put("lora_alpha", alpha);
    }
    c.put("lora_dropout", 0.0);
    c.putNull("modules_to_save");
    c.put("peft_type", "LORA");
    c.put("r", rank);
    c.putObject("rank_pattern");
    c.put("revision", revision);
    var t = c.putArray("target_modules");
    for (Projection p : EnumSet.copyOf(targets)) {
      t.add(p.moduleName());
    }
    c.put("task_type", "CAUSAL_LM");
    c.put("use_dora", false);
    c.put("use_rslora", useRslora);
    Files.createDirectories(dir);
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), c);
  }
}
