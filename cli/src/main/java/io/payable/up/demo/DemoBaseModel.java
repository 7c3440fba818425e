package io.payable.up.demo;

import io.payable.models.ModelConfig;
import io.payable.models.SyntheticCheckpoints;
import io.payable.models.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo's base model, in Hugging Face layout. Given {@code --base DIR}, that checkpoint; by
 * default a small Llama with random weights and the real llama2 tokenizer (shipped next to the
 * CLI), written once into the data directory. Its weights are random: whatever its adapters can do
 * comes from training on the Datanets.
 */
final class DemoBaseModel {

  /** 4 layers, 128 wide, the llama2 vocabulary: a step of training takes well under a second. */
  static final SyntheticCheckpoints.Spec RANDOM =
      new SyntheticCheckpoints.Spec(32_000, 128, 512, 4, 4, 4, 256);

  static final String RANDOM_ID = "random-llama-4x128";

  private DemoBaseModel() {}

  /** The base model directory and its name, and whether its weights are random. */
  record Base(Path dir, String id, boolean random) {}

  /**
   * {@code given} when present (checked to load), else the random model under {@code dataDir},
   * written at first start.
   */
  static Base prepare(Path given, Path dataDir) throws IOException {
    if (given != null) {
      ModelConfig.read(given);
      return new Base(
          given.toAbsolutePath(), given.toAbsolutePath().getFileName().toString(), false);
    }
    Path dir = dataDir.resolve("models").resolve(RANDOM_ID);
    if (!Files.isRegularFile(dir.resolve(ModelConfig.FILE))) {
      Path staging = dir.resolveSibling(RANDOM_ID + ".partial");
      SyntheticCheckpoints.writeBase(staging, RANDOM, 1);
      Path tokenizer = DemoCorpora.locate().resolveSibling("tokenizer");
      for (String f : List.of(TextTokenizer.FILE, TextTokenizer.CONFIG)) {
        Files.copy(tokenizer.resolve(f), staging.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      // The llama2 tokenizer's special tokens: <s> = 1, </s> = 2.
      rewriteSpecialIds(staging, 1, 2);
      addChatTemplate(staging);
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    }
    return new Base(dir, RANDOM_ID, true);
  }

  /**
   * The base model was never tuned for chat: its template passes the conversation's text through
   * after BOS, so a chat request is a completion of what the user wrote.
   */
  private static void addChatTemplate(Path dir) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Path file = dir.resolve(TextTokenizer.CONFIG);
    var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(file.toFile());
    if (!node.has("chat_template")) {
      node.put(
          "chat_template",
          "{{ bos_token }}{% for message in messages %}{{ message['content'] }}{% endfor %}");
      json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
    }
  }

  private static void rewriteSpecialIds(Path dir, int bos, int eos) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String f : List.of(ModelConfig.FILE, "generation_config.json")) {
      var node =
          (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve(f).toFile());
      node.put("bos_token_id", bos).put("eos_token_id", eos);
      json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(f).toFile(), node);
    }
  }
}
