package io.payable.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.payable.models.LoraPair;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.PeftConfig;
import io.payable.models.Projection;
import io.payable.models.Safetensors;
import io.payable.models.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trained state of a run on the Java heap: the LoRA weights (F32 master copies) and AdamW's
 * moments. Kept off the device so a checkpoint is a plain copy and a resumed run starts from the
 * same bits; the weights are uploaded for each optimizer step, which for LoRA's few parameters
 * costs little.
 *
 * <p>Tensors are ordered by layer, then projection, A before B; tensor {@code 2i} is pair {@code
 * i}'s A and {@code 2i + 1} its B.
 */
final class LoraState {
  final List<Pair> pairs;
  final float[][] weights;
  final float[][] m;
  final float[][] v;
  int step;

  record Pair(int layer, Projection projection, long[] aShape, long[] bShape) {}

  private LoraState(List<Pair> pairs) {
    this.pairs = List.copyOf(pairs);
    int n = 2 * pairs.size();
    this.weights = new float[n][];
    this.m = new float[n][];
    this.v = new float[n][];
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      for (int ab = 0; ab < 2; ab++) {
        int size = (int) Tensor.elements(ab == 0 ? p.aShape() : p.bShape());
        weights[2 * i + ab] = new float[size];
        m[2 * i + ab] = new float[size];
        v[2 * i + ab] = new float[size];
      }
    }
  }

  private static List<Pair> layout(ModelConfig base, LoraTrainingConfig cfg) {
    List<Pair> pairs = new ArrayList<>();
    for (int l = 0; l < base.numLayers(); l++) {
      for (Projection p : EnumSet.copyOf(cfg.targets())) {
        pairs.add(
            new Pair(
                l,
                p,
                PeftAdapter.expectedShape(base, p, 'A', cfg.rank()),
                PeftAdapter.expectedShape(base, p, 'B', cfg.rank())));
      }
    }
    return pairs;
  }

  /**
   * PEFT's initialisation from the run's seed: A kaiming-uniform with {@code a = sqrt(5)} (uniform
   * in +-1/sqrt(in)), B zero, so the adapted model starts as the base.
   */
  static LoraState init(ModelConfig base, LoraTrainingConfig cfg) {
    LoraState s = new LoraState(layout(base, cfg));
    SplittableRandom rnd = new SplittableRandom(cfg.seed());
    for (int i = 0; i < s.pairs.size(); i++) {
      float[] a = s.weights[2 * i];
      double bound = 1.0 / Math.sqrt(s.pairs.get(i).aShape()[1]);
      for (int j = 0; j < a.length; j++) {
        a[j] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
    }
    return s;
  }

  /** A state with given weights (moments zero), by PEFT key, e.g. from a reference. */
  static LoraState of(ModelConfig base, LoraTrainingConfig cfg, Map<String, Tensor> byKey) {
    LoraState s = new LoraState(layout(base, cfg));
    for (int i = 0; i < s.weights.length; i++) {
      Tensor t = byKey.get(s.key(i));
      if (t == null) {
        throw new IllegalArgumentException("no tensor " + s.key(i));
      }
      System.arraycopy(t.data(), 0, s.weights[i], 0, s.weights[i].length);
    }
    return s;
  }

  int size() {
    return weights.length;
  }

  long[] shape(int i) {
    Pair p = pairs.get(i / 2);
    return i % 2 == 0 ? p.aShape() : p.bShape();
  }

  /** PEFT's saved key of tensor {@code i}. */
  String key(int i) {
    Pair p = pairs.get(i / 2);
    return LoraPair.key(p.layer(), p.projection(), i % 2 == 0 ? 'A' : 'B');
  }

  /** Uploads the weights to the device; as gradient leaves when {@code leaves}. */
  LoraParams upload(NDManager manager, double scaling, int layers, boolean leaves) {
    LoraParams params = new LoraParams(layers, scaling);
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      NDArray a = aligned(manager.create(weights[2 * i], new Shape(p.aShape())));
      NDArray b = aligned(manager.create(weights[2 * i + 1], new Shape(p.bShape())));
      if (leaves) {
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
      }
      params.set(p.layer(), p.projection(), a, b);
    }
    return params;
  }

  /**
   * A copy in PyTorch's own memory. DJL's {@code create} wraps a Java direct buffer that is freed
   * once the array is closed and collected, so an array the tape may keep must not live there.
   */
  static NDArray aligned(NDArray wrapped) {
    NDArray copy = wrapped.duplicate();
    wrapped.close();
    return copy;
  }

  /** The gradients of uploaded leaves, in tensor order, on the heap. */
  float[][] gradients(LoraParams params) {
    float[][] g = new float[weights.length][];
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      g[2 * i] = read(params.a(p.layer(), p.projection()));
      g[2 * i + 1] = read(params.b(p.layer(), p.projection()));
    }
    return g;
  }

  float[][] zeroGradients() {
    float[][] g = new float[weights.length][];
    for (int i = 0; i < g.length; i++) {
      g[i] = new float[weights[i].length];
    }
    return g;
  }

  private static float[] read(NDArray leaf) {
    try (NDArray grad = leaf.getGradient()) {
      return grad.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }
  }

  /**
   * Scales gradients so their global L2 norm is at most {@code maxNorm}, as {@code
   * torch.nn.utils.clip_grad_norm_} does (factor {@code maxNorm / (norm + 1e-6)}, capped at 1);
   * returns the norm before clipping.
   */
  static double clip(float[][] grads, double maxNorm) {
    double sq = 0;
    for (float[] g : grads) {
      for (float x : g) {
        sq += (double) x * x;
      }
    }
    double norm = Math.sqrt(sq);
    if (maxNorm > 0) {
      float coef = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
      if (coef < 1f) {
        for (float[] g : grads) {
          for (int j = 0; j < g.length; j++) {
            g[j] *= coef;
          }
        }
      }
    }
    return norm;
  }

  /**
   * One AdamW step in F32, in the order of {@code torch.optim.AdamW} (single-tensor): decoupled
   * decay {@code p *= 1 - lr * wd}; {@code m += (g - m)(1 - b1)}; {@code v = v b2 + (1 - b2) g^2};
   * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
   */
  void adamw(float[][] grads, double lr, LoraTrainingConfig cfg) {
    step++;
    float decay = (float) (1 - lr * cfg.weightDecay());
    float oneMinusB1 = (float) (1 - cfg.beta1());
    float b2 = (float) cfg.beta2();
    float oneMinusB2 = (float) (1 - cfg.beta2());
    double bc1 = 1 - Math.pow(cfg.beta1(), step);
    double bc2 = 1 - Math.pow(cfg.beta2(), step);
    float stepSize = (float) (lr / bc1);
    float bc2Sqrt = (float) Math.sqrt(bc2);
    float eps = (float) cfg.eps();
    for (int i = 0; i < weights.length; i++) {
      float[] p = weights[i];
      float[] g = grads[i];
      float[] mi = m[i];
      float[] vi = v[i];
      for (int j = 0; j < p.length; j++) {
        if (cfg.weightDecay() != 0) {
          p[j] *= decay;
        }
        mi[j] += (g[j] - mi[j]) * oneMinusB1;
        vi[j] = vi[j] * b2 + oneMinusB2 * g[j] * g[j];
        float denom = (float) Math.sqrt(vi[j]) / bc2Sqrt + eps;
        p[j] -= stepSize * (mi[j] / denom);
      }
    }
  }

  /** The weights as a PEFT adapter. */
  PeftAdapter toAdapter(LoraTrainingConfig cfg, String baseModel) {
    List<LoraPair> out = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      out.add(
          new LoraPair(
              p.layer(),
              p.projection(),
              new Tensor(p.aShape(), weights[2 * i].clone()),
              new Tensor(p.bShape(), weights[2 * i + 1].clone())));
    }
    return new PeftAdapter(
        new PeftConfig(cfg.rank(), cfg.alpha(), cfg.rsLora(), cfg.targets(), baseModel, null), out);
  }

  /** Writes weights and moments to one safetensors file. */
  void write(Path file) throws IOException {
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (int i = 0; i < weights.length; i++) {
      t.put("weight." + key(i), new Tensor(shape(i), weights[i]));
      t.put("exp_avg." + key(i), new Tensor(shape(i), m[i]));
      t.put("exp_avg_sq." + key(i), new Tensor(shape(i), v[i]));
    }
    Safetensors.write(file, t, Map.of("format", "pt", "step", Integer.toString(step)));
  }

  /** Reads what {@link #write} wrote, for the same base and hyperparameters. */
  static LoraState read(Path file, ModelConfig base, LoraTrainingConfig cfg, int step) {
    LoraState s = new LoraState(layout(base, cfg));
    Map<String, Tensor> t = Safetensors.read(file);
    for (int i = 0; i < s.weights.length; i++) {
      copy(t, "weight." + s.key(i), s.weights[i], file);
      copy(t, "exp_avg." + s.key(i), s.m[i], file);
      copy(t, "exp_avg_sq." + s.key(i), s.v[i], file);
    }
    s.step = step;
    return s;
  }

  private static void copy(Map<String, Tensor> t, String key, float[] into, Path file) {
    Tensor x = t.get(key);
    if (x == null || x.data().length != into.length) {
      throw new IllegalArgumentException(file + ": checkpoint tensor " + key + " missing or wrong");
    }
    System.arraycopy(x.data(), 0, into, 0, into.length);
  }
}
