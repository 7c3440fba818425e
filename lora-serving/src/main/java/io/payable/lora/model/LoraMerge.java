package io.payable.lora.model;

import io.payable.lora.adapter.LoraAdapter;
import io.payable.lora.adapter.LoraWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds an adapter into the base weights, {@code W' = W + scaling * B A}: the reference for
 * correctness tests and the naive per-request baseline of the benchmark.
 */
public final class LoraMerge {
  private LoraMerge() {}

  public static Map<String, Tensor> merge(Map<String, Tensor> base, LoraAdapter adapter) {
    Map<String, Tensor> out = new LinkedHashMap<>(base);
    for (LoraWeights w : adapter.modules()) {
      String name = ModelConfig.modulePath(w.layer(), w.module()) + ".weight";
      Tensor wt = base.get(name);
      int outDim = wt.rows();
      int inDim = wt.cols();
      int r = adapter.rank();
      float[] merged = wt.data().clone();
      float[] a = w.a().data();
      float[] b = w.b().data();
      for (int o = 0; o < outDim; o++) {
        for (int k = 0; k < r; k++) {
          float bs = b[o * r + k] * adapter.scaling();
          int ao = k * inDim;
          int mo = o * inDim;
          for (int i = 0; i < inDim; i++) {
            merged[mo + i] += bs * a[ao + i];
          }
        }
      }
      out.put(name, new Tensor(wt.shape(), merged));
    }
    return out;
  }
}
