package io.payable.models.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.models.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A checkpoint's tokenizer: {@code tokenizer.json} run by DJL's binding of Hugging Face tokenizers
 * (natives bundled in the jar, nothing downloaded), with the special tokens of {@code
 * tokenizer_config.json} and the end-of-sequence ids of {@code generation_config.json} and {@code
 * config.json}. Adding BOS is the tokenizer's post-processor's business, as in transformers' fast
 * tokenizers.
 */
public final class TextTokenizer implements AutoCloseable {
  public static final String FILE = "tokenizer.json";
  public static final String CONFIG = "tokenizer_config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";

  private final HuggingFaceTokenizer tokenizer;
  private final String bosToken;
  private final String eosToken;
  private final Set<Integer> eosTokenIds;
  private final String chatTemplate;

  private TextTokenizer(
      HuggingFaceTokenizer tokenizer,
      String bosToken,
      String eosToken,
      Set<Integer> eosTokenIds,
      String chatTemplate) {
    this.tokenizer = tokenizer;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.eosTokenIds = Set.copyOf(eosTokenIds);
    this.chatTemplate = chatTemplate;
  }

  /** Whether a checkpoint directory has a tokenizer. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  /** Loads {@code dir/tokenizer.json} and, where present, the configs next to it. */
  public static TextTokenizer load(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(dir + ": no " + FILE);
    }
    HuggingFaceTokenizer hf;
    try {
      hf =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(file)
              .optAddSpecialTokens(true)
              .optTruncation(false)
              .optPadding(false)
              .build();
    } catch (IOException | RuntimeException e) {
      throw new InvalidModelException(
          file + ": not a Hugging Face tokenizer: " + e.getMessage(), e);
    }
    JsonNode cfg = json(dir.resolve(CONFIG));
    String bos = token(cfg.get("bos_token"));
    String eos = token(cfg.get("eos_token"));
    String template = chatTemplate(dir.resolve(CONFIG), cfg.get("chat_template"));
    Set<Integer> eosIds = new LinkedHashSet<>();
    if (eos != null) {
      long[] ids = hf.encode(eos, false, false).getIds();
      if (ids.length == 1) {
        eosIds.add((int) ids[0]);
      }
    }
    for (Path p : new Path[] {dir.resolve(GENERATION_CONFIG), dir.resolve("config.json")}) {
      JsonNode n = json(p).get("eos_token_id");
      if (n != null && n.isArray()) {
        n.forEach(e -> eosIds.add(e.asInt()));
      } else if (n != null && n.canConvertToInt()) {
        eosIds.add(n.asInt());
      }
    }
    return new TextTokenizer(hf, bos, eos, eosIds, template);
  }

  private static JsonNode json(Path file) {
    if (!Files.isRegularFile(file)) {
      return new ObjectMapper().createObjectNode();
    }
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidModelException(file + ": not valid JSON: " + e.getMessage());
    }
  }

  /** A special token is a string, or an AddedToken object with {@code content}. */
  private static String token(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isObject() ? n.path("content").asText(null) : n.asText();
  }

  /** {@code chat_template} is a string, or a list of named templates of which "default" is used. */
  private static String chatTemplate(Path file, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isArray()) {
      for (JsonNode t : n) {
        if ("default".equals(t.path("name").asText())) {
          return t.path("template").asText();
        }
      }
    }
    throw new InvalidModelException(file + ": chat_template has no default template");
  }

  /** Token ids of a text, with the post-processor's special tokens (BOS) when asked. */
  public int[] encode(String text, boolean addSpecialTokens) {
    long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** The text of token ids. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, skipSpecialTokens);
  }

  public Optional<String> bosToken() {
    return Optional.ofNullable(bosToken);
  }

  public Optional<String> eosToken() {
    return Optional.ofNullable(eosToken);
  }

  /** Ids that end generation: the EOS token and every {@code eos_token_id} of the configs. */
  public Set<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  /** The Jinja chat template of {@code tokenizer_config.json}, if the checkpoint has one. */
  public Optional<String> chatTemplate() {
    return Optional.ofNullable(chatTemplate);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
