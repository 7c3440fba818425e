package io.payable.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.payable.models.text.ChatMessage;
import io.payable.models.text.ChatTemplate;
import io.payable.models.text.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic checkpoints load as any Hugging Face checkpoint: model, tokenizer and adapters. */
class SyntheticCheckpointsTest {
  @TempDir Path dir;

  @Test
  void checkpointTokenizerAndAdapterLoad() throws Exception {
    SyntheticCheckpoints.Spec spec = new SyntheticCheckpoints.Spec(300, 32, 64, 2, 4, 2, 64);
    ModelConfig config = SyntheticCheckpoints.writeBase(dir.resolve("base"), spec, 1);
    assertThat(config.parameterCount()).isEqualTo(spec.parameters());
    SyntheticCheckpoints.writeAdapter(
        dir.resolve("a"), config, 4, 8, EnumSet.of(Projection.Q_PROJ, Projection.GATE_PROJ), 2);

    try (TextTokenizer tok = TextTokenizer.load(dir.resolve("base"))) {
      String text = "Données — 東京 🚀\n";
      int[] ids = tok.encode(text, true);
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      assertThat(ids).hasSize(utf8.length);
      for (int i = 0; i < ids.length; i++) {
        assertThat(ids[i]).isEqualTo(utf8[i] & 0xff);
      }
      assertThat(tok.decode(ids, true)).isEqualTo(text);
      assertThat(tok.eosTokenIds()).containsExactly(SyntheticCheckpoints.EOS_ID);
      assertThat(
              ChatTemplate.of(tok)
                  .orElseThrow()
                  .render(List.of(new ChatMessage("user", "hi")), true))
          .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    try (NDManager m = Engines.newManager(ai.djl.Device.cpu());
        CausalLm model = CausalLm.load(dir.resolve("base"), m, LoadOptions.cpu(1, 4));
        Sequence base = model.newSequence();
        Sequence adapted = model.newSequence()) {
      model.writeSlot(0, PeftAdapter.read(dir.resolve("a"), model.config()));
      int[] prompt = {1, 2, 3, 4};
      float[][] logits =
          model.forward(
              List.of(new Segment(base, prompt, Segment.BASE), new Segment(adapted, prompt, 0)),
              false);
      assertThat(logits[0]).hasSize(300);
      // The adapter changes the output: its B is not zero.
      assertThat(logits[0]).isNotEqualTo(logits[1]);
    }
  }
}
