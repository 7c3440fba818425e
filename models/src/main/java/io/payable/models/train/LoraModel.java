package io.payable.models.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.payable.models.BaseWeights;
import io.payable.models.Checkpoint;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The differentiable forward pass of a frozen Llama-family decoder with LoRA on its projections, as
 * transformers and PEFT compute it for training: whole right-padded sequences from position 0,
 * causal attention, and the causal-LM cross-entropy over shifted labels. Base weights never carry
 * gradients; the LoRA matrices come in per call ({@link LoraParams}), so the caller decides which
 * of them are gradient leaves.
 *
 * <p>Each projection computes {@code x W^T (+ b) + scaling * B (A dropout(x))} in PEFT's layout (A
 * is [r, in], B is [out, r]). Norms, softmax and the loss are computed in F32; with BF16 (GPU)
 * weights and activations are BF16.
 */
final class LoraModel implements AutoCloseable {
  private static final int P = Projection.values().length;

  private final ModelConfig config;
  private final NDManager manager;
  private final DataType dtype;
  private final NDArray embed;
  private final NDArray head;
  private final NDArray lmHeadT;
  private int headChunk;

  /**
   * Below this probability of its label a row's loss is taken from log-softmax instead of the
   * softmax's own probability: smaller ones may be subnormal floats, with fewer digits.
   */
  static final float MIN_LABEL_PROBABILITY = 1e-30f;

  /** {@link #MIN_LABEL_PROBABILITY}; tests raise it to take the log-softmax route for every row. */
  float minLabelProbability = MIN_LABEL_PROBABILITY;

  private final NDArray finalNorm;
  private final NDArray cos;
  private final NDArray sin;
  private final Layer[] layers;

  private static final class Layer {
    NDArray inputNorm;
    NDArray postNorm;
    NDArray qNorm;
    NDArray kNorm;
    final NDArray[] weightT = new NDArray[P];
    final NDArray[] bias = new NDArray[P];
  }

  private LoraModel(ModelConfig config, Checkpoint ckpt, NDManager parent, Device device) {
    this.config = config;
    this.manager = parent.newSubManager(device);
    this.dtype = device.isGpu() ? DataType.BFLOAT16 : DataType.FLOAT32;
    BaseWeights weights = new BaseWeights(config, ckpt, manager, dtype);
    this.embed = weights.embed();
    this.head = config.tieWordEmbeddings() ? embed : weights.untiedHead();
    this.lmHeadT = head.transpose();
    // Blocks of the output head of at most 16 MiB of logits: two of them (logits and softmax)
    // live at a time, below glibc's mmap threshold, so their memory is reused (NativeHeap).
    this.headChunk = (int) Math.max(1, (NativeHeap.MMAP_THRESHOLD / 2) / (4L * config.vocabSize()));
    this.finalNorm = weights.finalNorm();
    this.layers = new Layer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      Layer layer = new Layer();
      layer.inputNorm = weights.inputNorm(l);
      layer.postNorm = weights.postAttentionNorm(l);
      layer.qNorm = weights.queryNorm(l);
      layer.kNorm = weights.keyNorm(l);
      for (Projection p : Projection.values()) {
        layer.weightT[p.ordinal()] = weights.projectionT(l, p);
        layer.bias[p.ordinal()] = weights.bias(l, p);
      }
      layers[l] = layer;
    }
    // transformers computes the inverse frequencies in F32 when the model is loaded in F32, as a
    // training run loads it; no rounding to the checkpoint's dtype here.
    int hd = config.headDim();
    int half = hd / 2;
    float[] inv = config.rope().inverseFrequencies(hd);
    int positions = config.maxPositions();
    float[] c = new float[positions * hd];
    float[] s = new float[positions * hd];
    for (int pos = 0; pos < positions; pos++) {
      for (int i = 0; i < half; i++) {
        float angle = pos * inv[i];
        c[pos * hd + i] = c[pos * hd + half + i] = (float) Math.cos(angle);
        s[pos * hd + i] = s[pos * hd + half + i] = (float) Math.sin(angle);
      }
    }
    this.cos = LoraState.aligned(manager.create(c, new Shape(positions, hd)));
    this.sin = LoraState.aligned(manager.create(s, new Shape(positions, hd)));
  }

  static LoraModel load(Path dir, NDManager parent, Device device) {
    return new LoraModel(ModelConfig.read(dir), Checkpoint.open(dir), parent, device);
  }

  /** Rows of the output head per block; tests set a small one to cover several blocks. */
  void headChunk(int rows) {
    this.headChunk = rows;
  }

  ModelConfig config() {
    return config;
  }

  NDManager manager() {
    return manager;
  }

  DataType dtype() {
    return dtype;
  }

  /** Token ids of a right-padded batch as [B, T] with T the longest sequence. */
  private static long[] padded(List<TrainingSequence> batch, int t) {
    long[] ids = new long[batch.size() * t];
    for (int b = 0; b < batch.size(); b++) {
      TrainingSequence s = batch.get(b);
      for (int i = 0; i < s.length(); i++) {
        ids[b * t + i] = s.token(i);
      }
    }
    return ids;
  }

  static int longest(List<TrainingSequence> batch) {
    int t = 0;
    for (TrainingSequence s : batch) {
      t = Math.max(t, s.length());
    }
    return t;
  }

  /**
   * The final hidden states of a batch, [B * T, hidden], right-padded to the longest sequence T.
   * Padding sits after every real token, so causal attention keeps it out of the real positions.
   */
  NDArray hidden(NDManager m, List<TrainingSequence> batch, LoraParams lora, float dropout) {
    int bsz = batch.size();
    int t = longest(batch);
    int rows = bsz * t;
    int hd = config.headDim();
    int heads = config.numHeads();
    int kvHeads = config.numKvHeads();
    int group = heads / kvHeads;
    NDArray ids = LoraState.aligned(m.create(padded(batch, t)));
    NDArray x = embed.get(m, new NDIndex("{}", ids)); // [rows, d]
    NDArray cosT = cos.get(m, new NDIndex(":{}", t)).reshape(1, t, 1, hd);
    NDArray sinT = sin.get(m, new NDIndex(":{}", t)).reshape(1, t, 1, hd);
    NDArray mask = causalMask(m, t);
    if (dtype != DataType.FLOAT32) {
      cosT = cosT.toType(dtype, false);
      sinT = sinT.toType(dtype, false);
    }
    // Scalars on the tape are arrays of this step: DJL's NDArray.mul(Number) wraps the number in a
    // Java buffer and frees it right after, while the tape keeps it for the backward pass, which
    // then reads freed memory once the garbage collector has run.
    NDArray scaleT = scalar(m, (float) (1.0 / Math.sqrt(hd)), DataType.FLOAT32);
    NDArray epsT = scalar(m, (float) config.rmsNormEps(), DataType.FLOAT32);
    NDArray scalingT = scalar(m, (float) lora.scaling(), dtype);
    for (int l = 0; l < layers.length; l++) {
      Layer layer = layers[l];
      NDArray h = rmsNorm(x, layer.inputNorm, epsT);
      NDArray q = project(layer, l, Projection.Q_PROJ, h, lora, dropout, scalingT);
      NDArray k = project(layer, l, Projection.K_PROJ, h, lora, dropout, scalingT);
      NDArray v = project(layer, l, Projection.V_PROJ, h, lora, dropout, scalingT);
      q = q.reshape(bsz, t, heads, hd);
      k = k.reshape(bsz, t, kvHeads, hd);
      v = v.reshape(bsz, t, kvHeads, hd);
      if (config.qkNorm()) {
        q = rmsNorm(q, layer.qNorm, epsT);
        k = rmsNorm(k, layer.kNorm, epsT);
      }
      q = rotate(q, cosT, sinT, hd).transpose(0, 2, 1, 3); // [B, H, T, hd]
      k = rotate(k, cosT, sinT, hd).transpose(0, 2, 1, 3); // [B, KV, T, hd]
      v = v.transpose(0, 2, 1, 3);
      // Query heads h = kv * group + j share kv head kv: fold the group into the row axis.
      NDArray qg = q.reshape(bsz, kvHeads, (long) group * t, hd);
      NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).toType(DataType.FLOAT32, false);
      scores = scores.mul(scaleT).reshape(bsz, heads, t, t).add(mask);
      NDArray probs =
          scores.softmax(-1).toType(dtype, false).reshape(bsz, kvHeads, (long) group * t, t);
      NDArray attn =
          probs
              .matMul(v)
              .reshape(bsz, heads, t, hd)
              .transpose(0, 2, 1, 3)
              .reshape(rows, (long) heads * hd);
      x = x.add(project(layer, l, Projection.O_PROJ, attn, lora, dropout, scalingT));
      h = rmsNorm(x, layer.postNorm, epsT);
      NDArray gate = project(layer, l, Projection.GATE_PROJ, h, lora, dropout, scalingT);
      NDArray up = project(layer, l, Projection.UP_PROJ, h, lora, dropout, scalingT);
      NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
      x = x.add(project(layer, l, Projection.DOWN_PROJ, act, lora, dropout, scalingT));
    }
    return rmsNorm(x, finalNorm, epsT);
  }

  /** Logits of the given rows of {@link #hidden}, F32. */
  NDArray logits(NDArray hidden) {
    return hidden.matMul(lmHeadT).toType(DataType.FLOAT32, false);
  }

  /**
   * A batch's loss: {@code value} is the sum of the causal-LM cross-entropy over the batch's target
   * tokens divided by {@code divisor} (the target count of the whole optimizer step, so that
   * micro-batch losses add up to the step's mean, as transformers does with {@code
   * num_items_in_batch}); {@code surrogate}, when asked for, is a scalar on the tape whose gradient
   * is that loss's.
   */
  record Loss(double value, NDArray surrogate) {}

  /**
   * The loss of a batch. The output head and the cross-entropy are computed off the tape in blocks
   * of at most 16 MiB of logits, with their gradient in closed form: for log-softmax cross-entropy
   * the gradient of the logits is {@code softmax - onehot(label)}, so that of the final hidden
   * state is {@code (softmax W - W[label]) / divisor} for the head W. The tape then carries only
   * {@code sum(h * dh)}, whose gradient is {@code dh}, and never holds a [tokens, vocab] array.
   */
  Loss loss(
      NDManager m,
      List<TrainingSequence> batch,
      LoraParams lora,
      float dropout,
      double divisor,
      boolean withGradient) {
    int t = longest(batch);
    int targets = 0;
    for (TrainingSequence s : batch) {
      targets += s.targets();
    }
    if (targets == 0) {
      return new Loss(0, null);
    }
    long[] rows = new long[targets];
    long[] labels = new long[targets];
    int n = 0;
    for (int b = 0; b < batch.size(); b++) {
      TrainingSequence s = batch.get(b);
      for (int i = 1; i < s.length(); i++) {
        if (s.target(i)) {
          rows[n] = (long) b * t + i - 1; // position i - 1 predicts token i
          labels[n] = s.token(i);
          n++;
        }
      }
    }
    NDArray h =
        hidden(m, batch, lora, dropout).get(new NDIndex("{}", LoraState.aligned(m.create(rows))));
    NDArray detached = h.stopGradient();
    NDArray labelIds = LoraState.aligned(m.create(labels));
    double sum = 0;
    List<NDArray> grads = new ArrayList<>();
    for (int from = 0; from < targets; from += headChunk) {
      int to = Math.min(targets, from + headChunk);
      try (NDManager chunk = m.newSubManager()) {
        NDArray hc = detached.get(new NDIndex("{}:{}", from, to));
        hc.attach(chunk);
        NDArray lab = labelIds.get(new NDIndex("{}:{}", from, to)).reshape(to - from, 1);
        lab.attach(chunk);
        NDArray raw = hc.matMul(lmHeadT);
        NDArray logits = raw.toType(DataType.FLOAT32, false);
        // One softmax, no log-softmax and exp: a row's loss is -log(p_label), as exact as
        // log-softmax's (z - max) - log(sum) while p_label is a normal float; rows whose label is
        // less likely than that (a loss above 69) take log-softmax's route.
        NDArray probs = logits.softmax(-1);
        float[] pLabel = probs.gather(lab, 1).toFloatArray();
        for (int i = 0; i < pLabel.length; i++) {
          sum -=
              pLabel[i] >= minLabelProbability
                  ? Math.log(pLabel[i])
                  : logits.get(i).logSoftmax(-1).getFloat(labels[from + i]);
        }
        close(logits, raw);
        if (withGradient) {
          NDArray p = probs.toType(dtype, false);
          NDArray rowsOfLabels = head.get(chunk, new NDIndex("{}", lab.reshape(to - from)));
          NDArray g = p.matMul(head);
          close(probs, p);
          g = g.sub(rowsOfLabels).div((float) divisor);
          g.attach(m);
          grads.add(g);
        }
      }
    }
    NDArray surrogate = null;
    if (withGradient) {
      NDArray dh = grads.size() == 1 ? grads.get(0) : NDArrays.concat(new NDList(grads), 0);
      surrogate = h.mul(dh).sum();
    }
    return new Loss(sum / divisor, surrogate);
  }

  private NDArray project(
      Layer layer,
      int l,
      Projection proj,
      NDArray x,
      LoraParams lora,
      float dropout,
      NDArray scaling) {
    int p = proj.ordinal();
    NDArray y = x.matMul(layer.weightT[p]);
    if (layer.bias[p] != null) {
      y = y.add(layer.bias[p]);
    }
    NDArray a = lora.a(l, proj);
    if (a == null) {
      return y;
    }
    NDArray b = lora.b(l, proj);
    if (dtype != DataType.FLOAT32) {
      a = a.toType(dtype, false);
      b = b.toType(dtype, false);
    }
    NDArray in = dropout > 0 ? x.getNDArrayInternal().dropout(x, dropout, true).head() : x;
    NDArray delta = in.matMul(a.transpose()).matMul(b.transpose()).mul(scaling);
    y = y.add(delta);
    if (lora.tapped()) {
      NDArray probe = x.getManager().zeros(y.getShape(), y.getDataType());
      probe.setRequiresGradient(true);
      lora.record(l, proj, in.stopGradient(), probe);
      y = y.add(probe);
    }
    return y;
  }

  /** RMSNorm over the last axis in F32, as transformers' LlamaRMSNorm. */
  private NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
    NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray variance = xf.square().mean(new int[] {-1}, true);
    NDArray normed = xf.div(variance.add(eps).sqrt());
    if (dtype != DataType.FLOAT32) {
      normed = normed.toType(dtype, false);
    }
    return normed.mul(weight.toType(normed.getDataType(), false));
  }

  /** Rotary embedding in transformers' rotate-half layout; x is [B, T, heads, hd]. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin, int hd) {
    int half = hd / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /** Frees a large temporary now rather than with its block; {@code b} may be {@code a} itself. */
  private static void close(NDArray a, NDArray b) {
    a.close();
    if (b != a) {
      b.close();
    }
  }

  /** A scalar array of PyTorch's own memory in manager {@code m}. */
  private static NDArray scalar(NDManager m, float value, DataType type) {
    NDArray a = LoraState.aligned(m.create(value));
    return type == DataType.FLOAT32 ? a : a.toType(type, false);
  }

  private static NDArray causalMask(NDManager m, int t) {
    float[] mask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        mask[i * t + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return LoraState.aligned(m.create(mask, new Shape(t, t)));
  }

  @Override
  public void close() {
    manager.close();
  }
}
