package io.payable.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the logits of a base model with a PEFT adapter, as the serving reader computes them
 * ({@link PeftAdapter} into a {@link CausalLm} slot, the path {@code payable serve} takes), for a
 * prompt, so that another implementation can be compared with it: {@code
 * bench/model-factory/peft_check.py} loads the same adapter with PEFT. F32 on the CPU.
 *
 * <p>Usage: {@code AdapterLogits BASE_DIR ADAPTER_DIR OUT.safetensors PROMPT}. The prompt is
 * tokenised with the base model's {@code tokenizer.json} (special tokens added as its
 * post-processor does). The file holds {@code input_ids} [T] (as F32) and {@code logits} [T, vocab]
 * of every position, and {@code base.logits} without the adapter. A benchmark command, not part of
 * the CLI.
 */
public final class AdapterLogits {
  private AdapterLogits() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: AdapterLogits BASE_DIR ADAPTER_DIR OUT.safetensors PROMPT");
      System.exit(2);
    }
    Path base = Path.of(args[0]);
    Path adapterDir = Path.of(args[1]);
    int[] ids;
    try (TextTokenizer tok = TextTokenizer.load(base)) {
      ids = tok.encode(args[3], true);
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    float[] idsF = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      idsF[i] = ids[i];
    }
    out.put("input_ids", new Tensor(new long[] {ids.length}, idsF));
    ModelConfig config = ModelConfig.read(base);
    PeftAdapter adapter = PeftAdapter.read(adapterDir, config);
    try (NDManager m = Engines.newManager(Device.cpu());
        CausalLm lm = CausalLm.load(base, m, LoadOptions.cpu(1, adapter.rank()))) {
      lm.writeSlot(0, adapter);
      out.put("logits", logits(lm, ids, 0, config.vocabSize()));
      out.put("base.logits", logits(lm, ids, Segment.BASE, config.vocabSize()));
    }
    Safetensors.write(Path.of(args[2]), out, Map.of("format", "pt"));
    System.out.println("wrote " + args[2] + ": " + ids.length + " positions");
  }

  private static Tensor logits(CausalLm lm, int[] ids, int slot, int vocab) {
    try (Sequence s = lm.newSequence()) {
      float[][] rows = lm.forward(List.of(new Segment(s, ids, slot)), true);
      float[] flat = new float[rows.length * vocab];
      for (int t = 0; t < rows.length; t++) {
        System.arraycopy(rows[t], 0, flat, t * vocab, vocab);
      }
      return new Tensor(new long[] {rows.length, vocab}, flat);
    }
  }
}
