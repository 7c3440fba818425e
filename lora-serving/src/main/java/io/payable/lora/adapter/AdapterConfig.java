package io.payable.lora.adapter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The fields of a PEFT {@code adapter_config.json} this worker uses. Scaling is {@code alpha / r}
 * (or {@code alpha / sqrt(r)} with rsLoRA), as in PEFT.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AdapterConfig(
    @JsonProperty("peft_type") String peftType,
    @JsonProperty("r") int rank,
    @JsonProperty("lora_alpha") double alpha,
    @JsonProperty("use_rslora") boolean useRslora,
    @JsonProperty("target_modules") List<String> targetModules,
    @JsonProperty("base_model_name_or_path") String baseModel,
    @JsonProperty("revision") String revision) {

  public static final String FILE = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model.safetensors";

  public static AdapterConfig read(Path dir) throws IOException {
    return new ObjectMapper().readValue(dir.resolve(FILE).toFile(), AdapterConfig.class);
  }

  public void write(Path dir) throws IOException {
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve(FILE).toFile(), this);
  }

  public double scaling() {
    return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }
}
