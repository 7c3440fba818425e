package io.payable.index.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

  @TempDir Path tmp;

  @Test
  void tiktokenRoundTripsAndHashesItsVocabulary() {
    Tokenizer o200k = Tokenizers.byId("o200k_base");
    Tokenizer cl100k = Tokenizers.byId("cl100k_base");
    String text = "Call me Ishmael. Ünïcödé and emoji 🐋 too.";
    assertThat(o200k.decode(o200k.encode(text))).isEqualTo(text);
    assertThat(cl100k.decode(cl100k.encode(text))).isEqualTo(text);
    assertThat(o200k.vocabularyHash()).hasSize(64).isNotEqualTo(cl100k.vocabularyHash());
    assertThat(Tokenizers.byId("o200k_base").vocabularyHash()).isEqualTo(o200k.vocabularyHash());
    for (int token : o200k.encode(text)) {
      assertThat(token).isBetween(0, o200k.vocabularySize() - 1);
    }
  }

  @Test
  void wordStartsFollowWordBoundaries() {
    Tokenizer bytes = Tokenizers.byId("bytes");
    boolean[] starts = bytes.wordStarts(bytes.encode("ab c.d"));
    assertThat(starts).containsExactly(true, false, true, true, true, true);
    Tokenizer o200k = Tokenizers.byId("o200k_base");
    int[] tokens = o200k.encode("unbelievably good");
    boolean[] s = o200k.wordStarts(tokens);
    assertThat(s[0]).isTrue();
    // " good" begins with a space: a word start.
    assertThat(s[s.length - 1]).isTrue();
  }

  @Test
  void unknownTokenizerIsRefused() {
    assertThatThrownBy(() -> Tokenizers.byId("gpt-9")).hasMessageContaining("unknown tokenizer");
  }

  @Test
  void huggingFaceTokenizerFromLocalFile() throws Exception {
    Path file = tmp.resolve("tokenizer.json");
    Files.writeString(
        file,
        """
        {
          "version": "1.0",
          "added_tokens": [],
          "normalizer": null,
          "pre_tokenizer": {"type": "Whitespace"},
          "post_processor": null,
          "decoder": null,
          "model": {
            "type": "WordLevel",
            "vocab": {"[UNK]": 0, "call": 1, "me": 2, "ishmael": 3, ".": 4},
            "unk_token": "[UNK]"
          }
        }
        """);
    Tokenizer hf = Tokenizers.byId("hf:" + file);
    assertThat(hf.id()).startsWith("hf:");
    assertThat(hf.vocabularySize()).isEqualTo(5);
    assertThat(hf.vocabularyHash()).hasSize(64);
    assertThat(hf.encode("call me ishmael .")).containsExactly(1, 2, 3, 4);
  }
}
