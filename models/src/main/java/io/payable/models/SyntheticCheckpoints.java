package io.payable.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes random-weight Llama checkpoints and PEFT adapters in Hugging Face layout, for the demo and
 * benchmarks (no model can be downloaded): {@code config.json}, {@code generation_config.json},
 * {@code model.safetensors}, and a byte-level BPE {@code tokenizer.json} without merges (one token
 * per UTF-8 byte, id = byte, then {@code <|endoftext|>} = 256) with a ChatML chat template.
 * Adapters get a non-zero B: PEFT initialises B to zero, which would hide every LoRA bug.
 */
public final class SyntheticCheckpoints {
  /** The end-of-text token of the synthetic tokenizer. */
  public static final int EOS_ID = 256;

  /** Tokens of the synthetic tokenizer: 256 bytes and EOS. */
  public static final int TOKENIZER_VOCAB = 257;

  private static final String CHATML =
      "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' +"
          + " message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private SyntheticCheckpoints() {}

  /** Sizes of a synthetic Llama model; vocab at least {@link #TOKENIZER_VOCAB}. */
  public record Spec(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int numLayers,
      int numHeads,
      int numKvHeads,
      int maxPositions) {
    public Spec {
      if (vocabSize < TOKENIZER_VOCAB) {
        throw new IllegalArgumentException("vocab_size must be at least " + TOKENIZER_VOCAB);
      }
      if (hiddenSize % numHeads != 0 || numHeads % numKvHeads != 0) {
        throw new IllegalArgumentException(
            "heads must divide hidden_size and be a multiple of kv heads");
      }
    }

    /** Parameters of the model (tied embeddings). */
    public long parameters() {
      long hd = hiddenSize / numHeads;
      long attn = 2L * hiddenSize * hiddenSize + 2L * hiddenSize * numKvHeads * hd;
      long mlp = 3L * hiddenSize * intermediateSize;
      return (long) vocabSize * hiddenSize
          + numLayers * (attn + mlp + 2L * hiddenSize)
          + hiddenSize;
    }
  }

  /** Writes a checkpoint directory and returns its parsed config. */
  public static ModelConfig writeBase(Path dir, Spec s, long seed) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = json.createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_act", "silu");
    c.put("vocab_size", s.vocabSize());
    c.put("hidden_size", s.hiddenSize());
    c.put("intermediate_size", s.intermediateSize());
    c.put("num_hidden_layers", s.numLayers());
    c.put("num_attention_heads", s.numHeads());
    c.put("num_key_value_heads", s.numKvHeads());
    c.put("head_dim", s.hiddenSize() / s.numHeads());
    c.put("max_position_embeddings", s.maxPositions());
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.put("tie_word_embeddings", true);
    c.put("bos_token_id", EOS_ID);
    c.put("eos_token_id", EOS_ID);
    c.put("torch_dtype", "float32");
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(ModelConfig.FILE).toFile(), c);
    ObjectNode g = json.createObjectNode().put("bos_token_id", EOS_ID).put("eos_token_id", EOS_ID);
    json.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("generation_config.json").toFile(), g);
    writeTokenizer(dir);
    ModelConfig config = ModelConfig.read(dir);

    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> w = new LinkedHashMap<>();
    int d = s.hiddenSize();
    w.put("model.embed_tokens.weight", random(rnd, 0.5f, s.vocabSize(), d));
    for (int l = 0; l < s.numLayers(); l++) {
      w.put("model.layers." + l + ".input_layernorm.weight", ones(d));
      w.put("model.layers." + l + ".post_attention_layernorm.weight", ones(d));
      for (Projection p : Projection.values()) {
        long[] oi = config.projectionShape(p);
        w.put(
            p.path(l) + ".weight",
            random(rnd, (float) (1 / Math.sqrt(oi[1])), (int) oi[0], (int) oi[1]));
      }
    }
    w.put("model.norm.weight", ones(d));
    Safetensors.write(dir.resolve(Checkpoint.SINGLE), w, Map.of("format", "pt"));
    return config;
  }

  /** Writes a PEFT adapter for a base model. */
  public static void writeAdapter(
      Path dir, ModelConfig base, int rank, double alpha, Set<Projection> targets, long seed)
      throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<LoraPair> pairs = new ArrayList<>();
    for (int l = 0; l < base.numLayers(); l++) {
      for (Projection p : EnumSet.copyOf(targets)) {
        long[] oi = base.projectionShape(p);
        pairs.add(
            new LoraPair(
                l,
                p,
                random(rnd, (float) (1 / Math.sqrt(oi[1])), rank, (int) oi[1]),
                random(rnd, 0.2f, (int) oi[0], rank)));
      }
    }
    new PeftAdapter(new PeftConfig(rank, alpha, false, targets, null, "seed-" + seed), pairs)
        .write(dir);
  }

  /** A byte-level BPE tokenizer without merges and its config with a ChatML template. */
  public static void writeTokenizer(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode t = json.createObjectNode();
    t.put("version", "1.0");
    t.putNull("truncation");
    t.putNull("padding");
    ArrayNode added = t.putArray("added_tokens");
    added
        .addObject()
        .put("id", EOS_ID)
        .put("content", "<|endoftext|>")
        .put("single_word", false)
        .put("lstrip", false)
        .put("rstrip", false)
        .put("normalized", false)
        .put("special", true);
    t.putNull("normalizer");
    t.putObject("pre_tokenizer")
        .put("type", "ByteLevel")
        .put("add_prefix_space", false)
        .put("trim_offsets", true)
        .put("use_regex", true);
    t.putNull("post_processor");
    t.putObject("decoder")
        .put("type", "ByteLevel")
        .put("add_prefix_space", true)
        .put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = t.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    char[] byteChars = byteLevelAlphabet();
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(byteChars[b]), b);
    }
    model.putArray("merges");
    json.writeValue(dir.resolve("tokenizer.json").toFile(), t);
    ObjectNode cfg = json.createObjectNode();
    cfg.put("eos_token", "<|endoftext|>");
    cfg.put("bos_token", "<|endoftext|>");
    cfg.put("chat_template", CHATML);
    cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
    json.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
  }

  /** GPT-2's printable stand-ins for the 256 byte values (bytes_to_unicode). */
  static char[] byteLevelAlphabet() {
    char[] out = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      out[b] = printable[b] ? (char) b : (char) (256 + n++);
    }
    return out;
  }

  private static Tensor random(SplittableRandom rnd, float scale, int rows, int cols) {
    float[] data = new float[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale * Math.sqrt(3));
    }
    return new Tensor(new long[] {rows, cols}, data);
  }

  private static Tensor ones(int n) {
    float[] data = new float[n];
    java.util.Arrays.fill(data, 1f);
    return new Tensor(new long[] {n}, data);
  }
}
