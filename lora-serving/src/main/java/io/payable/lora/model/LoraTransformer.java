package io.payable.lora.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import io.payable.lora.adapter.LoraAdapter;
import io.payable.lora.adapter.LoraWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decoder-only transformer with batched multi-adapter LoRA, written with DJL NDArray operations.
 *
 * <p>Every target linear layer computes, for a step of N token rows drawn from many requests,
 * {@code y = x W^T} once for the whole step, then adds each row's low-rank delta {@code (x A_slot)
 * B_slot} where A and B are gathered from per-module slot tensors by the row's adapter slot (BGMV:
 * batched gather matrix-vector). Slot 0 of each slot tensor is all zeros and serves rows without an
 * adapter; adapters of lower rank than the slot width are zero-padded, and B is stored
 * pre-multiplied by the adapter's scaling. The cost of a step therefore depends on the number of
 * rows, not on how many distinct adapters they use.
 *
 * <p>Attention runs per request over its own KV cache; every other operation is batched.
 *
 * <p>One scheduler thread drives {@link #forward}; slot writes from other threads (pinning through
 * the API) are serialised with steps by the object's monitor.
 */
public final class LoraTransformer implements AutoCloseable {

  private final ModelConfig config;
  private final NDManager manager;
  private final int slots;
  private final int maxRank;
  private final NDArray embed;
  private final NDArray positions;
  private final NDArray finalNormG;
  private final NDArray finalNormB;
  private final NDArray lmHeadT;
  private final Layer[] layers;

  private static final class Layer {
    NDArray ln1g;
    NDArray ln1b;
    NDArray ln2g;
    NDArray ln2b;
    final NDArray[] weightT = new NDArray[ModelConfig.TARGET_MODULES.size()];
    final NDArray[] slotA = new NDArray[ModelConfig.TARGET_MODULES.size()];
    final NDArray[] slotB = new NDArray[ModelConfig.TARGET_MODULES.size()];
  }

  /**
   * @param weights base weights by Hugging Face style name
   * @param slots device adapter slots (M)
   * @param maxRank slot width: the largest adapter rank the worker accepts
   */
  public LoraTransformer(
      ModelConfig config, Map<String, Tensor> weights, NDManager parent, int slots, int maxRank) {
    this.config = config;
    this.manager = parent.newSubManager();
    this.slots = slots;
    this.maxRank = maxRank;
    this.embed = tensor(weights, "embed_tokens.weight", config.vocabSize(), config.hiddenSize());
    this.positions =
        tensor(weights, "embed_positions.weight", config.maxPositions(), config.hiddenSize());
    this.finalNormG = tensor(weights, "norm.weight", config.hiddenSize());
    this.finalNormB = tensor(weights, "norm.bias", config.hiddenSize());
    this.lmHeadT =
        tensor(weights, "lm_head.weight", config.vocabSize(), config.hiddenSize()).transpose();
    this.layers = new Layer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      Layer layer = new Layer();
      String p = "layers." + l + ".";
      layer.ln1g = tensor(weights, p + "input_layernorm.weight", config.hiddenSize());
      layer.ln1b = tensor(weights, p + "input_layernorm.bias", config.hiddenSize());
      layer.ln2g = tensor(weights, p + "post_attention_layernorm.weight", config.hiddenSize());
      layer.ln2b = tensor(weights, p + "post_attention_layernorm.bias", config.hiddenSize());
      for (int m = 0; m < ModelConfig.TARGET_MODULES.size(); m++) {
        String module = ModelConfig.TARGET_MODULES.get(m);
        int[] outIn = config.moduleShape(module);
        NDArray w =
            tensor(weights, ModelConfig.modulePath(l, module) + ".weight", outIn[0], outIn[1]);
        // Stored transposed and contiguous so each step is a plain [N,in] x [in,out] matmul.
        layer.weightT[m] = w.transpose().duplicate();
        w.close();
        layer.slotA[m] = manager.zeros(new Shape(slots + 1, outIn[1], maxRank));
        layer.slotB[m] = manager.zeros(new Shape(slots + 1, maxRank, outIn[0]));
      }
      layers[l] = layer;
    }
  }

  private NDArray tensor(Map<String, Tensor> weights, String name, long... shape) {
    Tensor t = weights.get(name);
    if (t == null) {
      throw new IllegalArgumentException("base model has no tensor " + name);
    }
    if (!java.util.Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          name
              + " has shape "
              + java.util.Arrays.toString(t.shape())
              + ", config needs "
              + java.util.Arrays.toString(shape));
    }
    return manager.create(t.data(), new Shape(shape));
  }

  public ModelConfig config() {
    return config;
  }

  public int slots() {
    return slots;
  }

  public int maxRank() {
    return maxRank;
  }

  /** A new, empty KV cache for one request. */
  public Sequence newSequence() {
    return new Sequence(manager, layers.length);
  }

  /**
   * Copies an adapter into a device slot: A transposed to [in, R] and B transposed and scaled to
   * [R, out], zero-padded to the slot rank R on the heap, so each module costs one host-to-device
   * copy per matrix.
   */
  public synchronized void writeSlot(int slot, LoraAdapter adapter) {
    checkSlot(slot);
    int r = adapter.rank();
    if (r > maxRank) {
      throw new IllegalArgumentException(
          "adapter " + adapter.id() + " rank " + r + " > slot rank " + maxRank);
    }
    LoraWeights[][] byModule = new LoraWeights[layers.length][ModelConfig.TARGET_MODULES.size()];
    for (LoraWeights w : adapter.modules()) {
      byModule[w.layer()][ModelConfig.TARGET_MODULES.indexOf(w.module())] = w;
    }
    try (NDManager tmp = manager.newSubManager()) {
      for (int l = 0; l < layers.length; l++) {
        for (int m = 0; m < ModelConfig.TARGET_MODULES.size(); m++) {
          LoraWeights w = byModule[l][m];
          if (w == null) {
            layers[l].slotA[m].set(new NDIndex(slot + 1), 0f);
            layers[l].slotB[m].set(new NDIndex(slot + 1), 0f);
            continue;
          }
          int in = w.a().cols();
          int out = w.b().rows();
          float[] a = new float[in * maxRank];
          float[] srcA = w.a().data(); // [r, in]
          for (int k = 0; k < r; k++) {
            for (int i = 0; i < in; i++) {
              a[i * maxRank + k] = srcA[k * in + i];
            }
          }
          float[] b = new float[maxRank * out];
          float[] srcB = w.b().data(); // [out, r]
          float s = adapter.scaling();
          for (int o = 0; o < out; o++) {
            for (int k = 0; k < r; k++) {
              b[k * out + o] = srcB[o * r + k] * s;
            }
          }
          layers[l].slotA[m].set(new NDIndex(slot + 1), tmp.create(a, new Shape(in, maxRank)));
          layers[l].slotB[m].set(new NDIndex(slot + 1), tmp.create(b, new Shape(maxRank, out)));
        }
      }
    }
  }

  /** Zeroes a device slot. */
  public synchronized void clearSlot(int slot) {
    checkSlot(slot);
    for (Layer layer : layers) {
      for (int m = 0; m < layer.slotA.length; m++) {
        layer.slotA[m].set(new NDIndex(slot + 1), 0f);
        layer.slotB[m].set(new NDIndex(slot + 1), 0f);
      }
    }
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " outside 0.." + (slots - 1));
    }
  }

  /**
   * Runs one step over the segments of many requests, appends their keys and values to their caches
   * and returns the next-token logits of each segment's last token, [segments][vocab].
   */
  public synchronized float[][] forward(List<Segment> segments) {
    int rows = 0;
    for (Segment s : segments) {
      if (s.tokens().length == 0) {
        throw new IllegalArgumentException("a segment has no tokens");
      }
      if (s.sequence().length + s.tokens().length > config.maxPositions()) {
        throw new IllegalArgumentException(
            "sequence longer than max_position_embeddings " + config.maxPositions());
      }
      rows += s.tokens().length;
    }
    long[] tokenIds = new long[rows];
    long[] positionIds = new long[rows];
    long[] slotIds = new long[rows];
    long[] lastRows = new long[segments.size()];
    boolean anyAdapter = false;
    int r = 0;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      for (int t = 0; t < s.tokens().length; t++, r++) {
        int tok = s.tokens()[t];
        if (tok < 0 || tok >= config.vocabSize()) {
          throw new IllegalArgumentException("token id " + tok + " outside the vocabulary");
        }
        tokenIds[r] = tok;
        positionIds[r] = s.sequence().length + t;
        slotIds[r] = s.slot() + 1;
      }
      anyAdapter |= s.slot() != Segment.BASE;
      lastRows[i] = r - 1;
    }
    try (NDManager step = manager.newSubManager()) {
      NDArray slotIdx = step.create(slotIds);
      NDArray x =
          embed
              .get(step, new NDIndex("{}", step.create(tokenIds)))
              .add(positions.get(step, new NDIndex("{}", step.create(positionIds))));
      for (int l = 0; l < layers.length; l++) {
        Layer layer = layers[l];
        NDArray h = layerNorm(x, layer.ln1g, layer.ln1b);
        NDArray q = linear(step, layer, 0, h, slotIdx, anyAdapter);
        NDArray k = linear(step, layer, 1, h, slotIdx, anyAdapter);
        NDArray v = linear(step, layer, 2, h, slotIdx, anyAdapter);
        NDArray attn = attention(l, segments, q, k, v);
        x = x.add(linear(step, layer, 3, attn, slotIdx, anyAdapter));
        h = layerNorm(x, layer.ln2g, layer.ln2b);
        NDArray up = Activation.gelu(linear(step, layer, 4, h, slotIdx, anyAdapter));
        x = x.add(linear(step, layer, 5, up, slotIdx, anyAdapter));
      }
      NDArray last = x.get(new NDIndex("{}", step.create(lastRows)));
      NDArray logits = layerNorm(last, finalNormG, finalNormB).matMul(lmHeadT);
      float[] flat = logits.toFloatArray();
      for (Segment s : segments) {
        s.sequence().length += s.tokens().length;
      }
      float[][] out = new float[segments.size()][config.vocabSize()];
      for (int i = 0; i < out.length; i++) {
        System.arraycopy(flat, i * config.vocabSize(), out[i], 0, config.vocabSize());
      }
      return out;
    }
  }

  private NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
    return LayerNorm.layerNorm(
            x, new Shape(config.hiddenSize()), g, b, (float) config.layerNormEps())
        .singletonOrThrow();
  }

  /** Base matmul once for all rows, plus the gathered per-row low-rank delta. */
  private NDArray linear(
      NDManager step, Layer layer, int m, NDArray x, NDArray slotIdx, boolean anyAdapter) {
    NDArray y = x.matMul(layer.weightT[m]);
    if (!anyAdapter) {
      return y;
    }
    NDArray a = layer.slotA[m].get(step, new NDIndex("{}", slotIdx)); // [N, in, R]
    NDArray b = layer.slotB[m].get(step, new NDIndex("{}", slotIdx)); // [N, R, out]
    NDArray xa = x.expandDims(1).batchMatMul(a); // [N, 1, R]
    return y.add(xa.batchMatMul(b).squeeze(1));
  }

  private NDArray attention(int l, List<Segment> segments, NDArray q, NDArray k, NDArray v) {
    int heads = config.numHeads();
    int hd = config.headDim();
    float scale = (float) (1.0 / Math.sqrt(hd));
    List<NDArray> outs = new ArrayList<>(segments.size());
    int row = 0;
    for (Segment s : segments) {
      int t = s.tokens().length;
      NDIndex rows = new NDIndex("{}:{}", row, row + t);
      row += t;
      NDArray qs = q.get(rows).reshape(t, heads, hd).transpose(1, 0, 2);
      NDArray ks = k.get(rows).reshape(t, heads, hd).transpose(1, 0, 2);
      NDArray vs = v.get(rows).reshape(t, heads, hd).transpose(1, 0, 2);
      Sequence seq = s.sequence();
      NDArray keys = append(seq, seq.keys, l, ks);
      NDArray values = append(seq, seq.values, l, vs);
      int total = (int) keys.getShape().get(1);
      NDArray scores = qs.batchMatMul(keys.transpose(0, 2, 1)).mul(scale); // [H, t, total]
      if (t > 1) {
        scores = scores.add(causalMask(scores.getManager(), t, total));
      }
      NDArray out = scores.softmax(-1).batchMatMul(values); // [H, t, hd]
      outs.add(out.transpose(1, 0, 2).reshape(t, (long) heads * hd));
    }
    return outs.size() == 1 ? outs.get(0) : NDArrays.concat(new NDList(outs), 0);
  }

  /** Appends new keys or values to a request's cache; the cache lives in the request's manager. */
  private static NDArray append(Sequence seq, NDArray[] cache, int l, NDArray fresh) {
    NDArray merged;
    if (cache[l] == null) {
      merged = fresh.duplicate();
    } else {
      merged = cache[l].concat(fresh, 1);
      cache[l].close();
    }
    merged.attach(seq.manager);
    cache[l] = merged;
    return merged;
  }

  private static NDArray causalMask(NDManager m, int t, int total) {
    float[] mask = new float[t * total];
    int offset = total - t;
    for (int i = 0; i < t; i++) {
      for (int j = offset + i + 1; j < total; j++) {
        mask[i * total + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return m.create(mask, new Shape(1, t, total)).toType(DataType.FLOAT32, false);
  }

  @Override
  public void close() {
    manager.close();
  }
}
