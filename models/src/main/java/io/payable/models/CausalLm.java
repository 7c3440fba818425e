package io.payable.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) with batched multi-adapter LoRA, on DJL
 * NDArray operations: RMSNorm, rotary embeddings, grouped-query attention over per-sequence KV
 * caches, SwiGLU MLP, tied or untied output head.
 *
 * <p>Every projection computes, for a step of N token rows drawn from many sequences, {@code y = x
 * W^T} once for the whole step, then adds each row's low-rank delta {@code (x A_slot) B_slot} where
 * A and B are gathered from per-projection slot tensors by the row's slot (BGMV: batched gather
 * matrix-vector). Slot 0 of each slot tensor is zero and serves rows without an adapter; adapters
 * of lower rank than the slot width are zero-padded, and B is stored pre-multiplied by the
 * adapter's scaling. The cost of a step depends on its rows, not on how many distinct adapters they
 * use.
 *
 * <p>Attention runs per sequence over its own cache; every other operation is batched. One thread
 * drives {@link #forward}; slot writes from other threads are serialised with steps by the object's
 * monitor.
 */
public final class CausalLm implements AutoCloseable {

  private static final int P = Projection.values().length;

  private final ModelConfig config;
  private final NDManager manager;
  private final DataType dtype;
  private final int slots;
  private final int maxRank;
  private final NDArray embed;
  private final NDArray lmHeadT;
  private final NDArray finalNorm;
  private final NDArray cos;
  private final NDArray sin;
  private final Layer[] layers;

  /** Per slot and projection: whether the slot's adapter adapts it. */
  private final boolean[][] slotTargets;

  /** Per projection: how many slots adapt it; zero skips the gather. */
  private final int[] targeted = new int[P];

  private static final class Layer {
    NDArray inputNorm;
    NDArray postNorm;
    NDArray qNorm;
    NDArray kNorm;
    final NDArray[] weightT = new NDArray[P];
    final NDArray[] bias = new NDArray[P];
    final NDArray[] slotA = new NDArray[P];
    final NDArray[] slotB = new NDArray[P];
  }

  private CausalLm(ModelConfig config, Checkpoint ckpt, NDManager parent, LoadOptions options) {
    this.config = config;
    this.manager = parent.newSubManager(options.device());
    this.dtype = options.dtype();
    this.slots = options.slots();
    this.maxRank = options.maxRank();
    this.slotTargets = new boolean[slots][P];
    BaseWeights weights = new BaseWeights(config, ckpt, manager, dtype);
    this.embed = weights.embed();
    if (config.tieWordEmbeddings()) {
      this.lmHeadT = embed.transpose();
    } else {
      NDArray head = weights.untiedHead();
      this.lmHeadT = head.transpose().duplicate();
      head.close();
    }
    this.finalNorm = weights.finalNorm();
    this.layers = new Layer[config.numLayers()];
    for (int l = 0; l < layers.length; l++) {
      Layer layer = new Layer();
      layer.inputNorm = weights.inputNorm(l);
      layer.postNorm = weights.postAttentionNorm(l);
      layer.qNorm = weights.queryNorm(l);
      layer.kNorm = weights.keyNorm(l);
      for (Projection p : Projection.values()) {
        long[] outIn = config.projectionShape(p);
        layer.weightT[p.ordinal()] = weights.projectionT(l, p);
        layer.bias[p.ordinal()] = weights.bias(l, p);
        if (slots > 0) {
          layer.slotA[p.ordinal()] = manager.zeros(new Shape(slots + 1, outIn[1], maxRank), dtype);
          layer.slotB[p.ordinal()] = manager.zeros(new Shape(slots + 1, maxRank, outIn[0]), dtype);
        }
      }
      layers[l] = layer;
    }
    float[][] tables = rotaryTables(config);
    this.cos = manager.create(tables[0], new Shape(config.maxPositions(), config.headDim()));
    this.sin = manager.create(tables[1], new Shape(config.maxPositions(), config.headDim()));
  }

  /** Loads a checkpoint directory ({@code config.json} and safetensors weights). */
  public static CausalLm load(Path dir, NDManager parent, LoadOptions options) {
    return load(ModelConfig.read(dir), Checkpoint.open(dir), parent, options);
  }

  public static CausalLm load(
      ModelConfig config, Checkpoint checkpoint, NDManager parent, LoadOptions options) {
    return new CausalLm(config, checkpoint, parent, options);
  }

  /** cos and sin of position x inverse frequency, [positions, head_dim], halves repeated. */
  private float[][] rotaryTables(ModelConfig c) {
    int hd = c.headDim();
    int half = hd / 2;
    float[] inv = c.rope().inverseFrequencies(hd);
    // transformers keeps the inverse frequencies in a floating buffer, which a model cast to its
    // checkpoint dtype holds rounded to it; rounding them the same way keeps logits within 1e-4.
    if (c.checkpointDtype().equals("bfloat16")) {
      for (int i = 0; i < inv.length; i++) {
        inv[i] = roundToBfloat16(inv[i]);
      }
    } else if (c.checkpointDtype().equals("float16")) {
      try (NDManager tmp = manager.newSubManager()) {
        inv =
            tmp.create(inv)
                .toType(DataType.FLOAT16, false)
                .toType(DataType.FLOAT32, false)
                .toFloatArray();
      }
    }
    float[] cos = new float[c.maxPositions() * hd];
    float[] sin = new float[c.maxPositions() * hd];
    for (int pos = 0; pos < c.maxPositions(); pos++) {
      for (int i = 0; i < half; i++) {
        float angle = pos * inv[i]; // float32 product, as transformers computes it
        float cv = (float) Math.cos(angle);
        float sv = (float) Math.sin(angle);
        cos[pos * hd + i] = cv;
        cos[pos * hd + half + i] = cv;
        sin[pos * hd + i] = sv;
        sin[pos * hd + half + i] = sv;
      }
    }
    return new float[][] {cos, sin};
  }

  /** Round to nearest even bfloat16, returned as the float it represents. */
  static float roundToBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7f800000) == 0x7f800000) {
      return f;
    }
    bits += 0x7fff + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(bits & 0xffff0000);
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

  public DataType dtype() {
    return dtype;
  }

  /** A new, empty KV cache. */
  public Sequence newSequence() {
    return new Sequence(manager, layers.length);
  }

  /**
   * Copies an adapter into a slot: A transposed to [in, R] and B transposed and scaled to [R, out],
   * zero-padded to the slot width R on the heap, so each projection costs one host-to-device copy
   * per matrix. The adapter must have been read against this model's config.
   */
  public synchronized void writeSlot(int slot, PeftAdapter adapter) {
    checkSlot(slot);
    int r = adapter.rank();
    if (r > maxRank) {
      throw new IllegalArgumentException(
          "adapter rank " + r + " exceeds the slot width " + maxRank);
    }
    clearSlot(slot);
    float s = (float) adapter.scaling();
    try (NDManager tmp = manager.newSubManager()) {
      for (LoraPair pair : adapter.pairs()) {
        int in = pair.a().cols();
        int out = pair.b().rows();
        float[] a = new float[in * maxRank];
        float[] srcA = pair.a().data(); // [r, in]
        for (int k = 0; k < r; k++) {
          for (int i = 0; i < in; i++) {
            a[i * maxRank + k] = srcA[k * in + i];
          }
        }
        float[] b = new float[maxRank * out];
        float[] srcB = pair.b().data(); // [out, r]
        for (int o = 0; o < out; o++) {
          for (int k = 0; k < r; k++) {
            b[k * out + o] = srcB[o * r + k] * s;
          }
        }
        int p = pair.projection().ordinal();
        Layer layer = layers[pair.layer()];
        layer.slotA[p].set(
            new NDIndex(slot + 1), tmp.create(a, new Shape(in, maxRank)).toType(dtype, false));
        layer.slotB[p].set(
            new NDIndex(slot + 1), tmp.create(b, new Shape(maxRank, out)).toType(dtype, false));
        if (!slotTargets[slot][p]) {
          slotTargets[slot][p] = true;
          targeted[p]++;
        }
      }
    }
  }

  /** Zeroes a slot. */
  public synchronized void clearSlot(int slot) {
    checkSlot(slot);
    for (int p = 0; p < P; p++) {
      if (slotTargets[slot][p]) {
        for (Layer layer : layers) {
          layer.slotA[p].set(new NDIndex(slot + 1), 0f);
          layer.slotB[p].set(new NDIndex(slot + 1), 0f);
        }
        slotTargets[slot][p] = false;
        targeted[p]--;
      }
    }
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " outside 0.." + (slots - 1));
    }
  }

  /**
   * Runs one step over the segments of many sequences, appends their keys and values to their
   * caches, and returns logits: one row per segment (its last token) or, with {@code allPositions},
   * one row per token of every segment in order.
   */
  public synchronized float[][] forward(List<Segment> segments, boolean allPositions) {
    int rows = 0;
    for (Segment s : segments) {
      if (s.tokens().length == 0) {
        throw new IllegalArgumentException("a segment has no tokens");
      }
      if (s.sequence().length + s.tokens().length > config.maxPositions()) {
        throw new IllegalArgumentException(
            "sequence of "
                + (s.sequence().length + s.tokens().length)
                + " tokens exceeds the model's context of "
                + config.maxPositions());
      }
      if (s.slot() != Segment.BASE) {
        checkSlot(s.slot());
      }
      rows += s.tokens().length;
    }
    long[] tokenIds = new long[rows];
    long[] positionIds = new long[rows];
    long[] lastRows = new long[segments.size()];
    boolean[] used = new boolean[P];
    int r = 0;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      for (int t = 0; t < s.tokens().length; t++, r++) {
        int tok = s.tokens()[t];
        if (tok < 0 || tok >= config.vocabSize()) {
          throw new IllegalArgumentException(
              "token id " + tok + " outside the vocabulary of " + config.vocabSize());
        }
        tokenIds[r] = tok;
        positionIds[r] = s.sequence().length + t;
      }
      if (s.slot() != Segment.BASE) {
        for (int p = 0; p < P; p++) {
          used[p] |= slotTargets[s.slot()][p];
        }
      }
      lastRows[i] = r - 1;
    }
    try (NDManager step = manager.newSubManager()) {
      List<Chunk> plan = plan(step, segments);
      NDArray posIdx = step.create(positionIds);
      NDArray cosRows = cos.get(step, new NDIndex("{}", posIdx)).expandDims(1); // [N,1,hd]
      NDArray sinRows = sin.get(step, new NDIndex("{}", posIdx)).expandDims(1);
      if (dtype != DataType.FLOAT32) {
        cosRows = cosRows.toType(dtype, false);
        sinRows = sinRows.toType(dtype, false);
      }
      NDArray x = embed.get(step, new NDIndex("{}", step.create(tokenIds)));
      int hd = config.headDim();
      for (int l = 0; l < layers.length; l++) {
        Layer layer = layers[l];
        NDArray h = rmsNorm(x, layer.inputNorm);
        NDArray q = project(step, layer, Projection.Q_PROJ, h, plan, used);
        NDArray k = project(step, layer, Projection.K_PROJ, h, plan, used);
        NDArray v = project(step, layer, Projection.V_PROJ, h, plan, used);
        q = q.reshape(rows, config.numHeads(), hd);
        k = k.reshape(rows, config.numKvHeads(), hd);
        v = v.reshape(rows, config.numKvHeads(), hd);
        if (config.qkNorm()) {
          q = rmsNorm(q, layer.qNorm);
          k = rmsNorm(k, layer.kNorm);
        }
        q = rotate(q, cosRows, sinRows, hd);
        k = rotate(k, cosRows, sinRows, hd);
        NDArray attn = attention(l, segments, q, k, v);
        x = x.add(project(step, layer, Projection.O_PROJ, attn, plan, used));
        h = rmsNorm(x, layer.postNorm);
        NDArray gate = project(step, layer, Projection.GATE_PROJ, h, plan, used);
        NDArray up = project(step, layer, Projection.UP_PROJ, h, plan, used);
        NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
        x = x.add(project(step, layer, Projection.DOWN_PROJ, act, plan, used));
      }
      NDArray out = allPositions ? x : x.get(new NDIndex("{}", step.create(lastRows)));
      NDArray logits = rmsNorm(out, finalNorm).matMul(lmHeadT).toType(DataType.FLOAT32, false);
      float[] flat = logits.toFloatArray();
      for (Segment s : segments) {
        s.sequence().length += s.tokens().length;
      }
      int n = allPositions ? rows : segments.size();
      int vocab = config.vocabSize();
      float[][] result = new float[n][vocab];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * vocab, result[i], 0, vocab);
      }
      return result;
    }
  }

  /** RMSNorm over the last axis, computed in FLOAT32. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray xf = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray variance = xf.square().mean(new int[] {-1}, true);
    NDArray normed = xf.div(variance.add((float) config.rmsNormEps()).sqrt());
    // Operands of the step first: results belong to the first operand's manager.
    NDArray out = normed.mul(weight);
    return dtype == DataType.FLOAT32 ? out : out.toType(dtype, false);
  }

  /** Rotary embedding, transformers' rotate-half layout: x cos + (-x2, x1) sin. */
  private static NDArray rotate(NDArray x, NDArray cos, NDArray sin, int hd) {
    int half = hd / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * Rows of a step that take their LoRA delta the same way: a run of single-token (decode) rows
   * gathered by slot ({@code slots} set, BGMV), or one multi-token (prefill) segment with one slot,
   * whose A and B are used as plain matrices (a per-row gather would copy them once per prompt
   * token).
   */
  private record Chunk(int from, int to, int slot, NDArray slots) {}

  private static List<Chunk> plan(NDManager step, List<Segment> segments) {
    List<Chunk> plan = new ArrayList<>();
    List<Long> run = new ArrayList<>();
    int row = 0;
    int runStart = 0;
    for (Segment s : segments) {
      int t = s.tokens().length;
      if (t == 1) {
        if (run.isEmpty()) {
          runStart = row;
        }
        run.add((long) s.slot() + 1);
      } else {
        if (!run.isEmpty()) {
          plan.add(gatherChunk(step, runStart, row, run));
          run.clear();
        }
        plan.add(new Chunk(row, row + t, s.slot(), null));
      }
      row += t;
    }
    if (!run.isEmpty()) {
      plan.add(gatherChunk(step, runStart, row, run));
    }
    return plan;
  }

  private static Chunk gatherChunk(NDManager step, int from, int to, List<Long> slots) {
    long[] ids = new long[slots.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = slots.get(i);
    }
    return new Chunk(from, to, Segment.BASE, step.create(ids));
  }

  /** Base matmul once for all rows, plus bias, plus each row's low-rank delta. */
  private NDArray project(
      NDManager step, Layer layer, Projection proj, NDArray x, List<Chunk> plan, boolean[] used) {
    int p = proj.ordinal();
    NDArray y = x.matMul(layer.weightT[p]);
    if (layer.bias[p] != null) {
      y = y.add(layer.bias[p]);
    }
    if (!used[p]) {
      return y;
    }
    if (plan.size() == 1 && plan.get(0).slots() != null) {
      return y.add(gathered(step, layer, p, x, plan.get(0).slots()));
    }
    long out = y.getShape().get(1);
    List<NDArray> parts = new ArrayList<>(plan.size());
    for (Chunk c : plan) {
      NDArray xs = x.get(new NDIndex("{}:{}", c.from(), c.to()));
      if (c.slots() != null) {
        parts.add(gathered(step, layer, p, xs, c.slots()));
      } else if (c.slot() == Segment.BASE || !slotTargets[c.slot()][p]) {
        parts.add(step.zeros(new Shape(c.to() - c.from(), out), y.getDataType()));
      } else {
        NDArray a = layer.slotA[p].get(step, new NDIndex(c.slot() + 1)); // [in, R]
        NDArray b = layer.slotB[p].get(step, new NDIndex(c.slot() + 1)); // [R, out]
        parts.add(xs.matMul(a).matMul(b));
      }
    }
    return y.add(parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0));
  }

  /** BGMV: each row times its own slot's A then B, gathered by slot index. */
  private static NDArray gathered(NDManager step, Layer layer, int p, NDArray x, NDArray slots) {
    NDArray a = layer.slotA[p].get(step, new NDIndex("{}", slots)); // [N, in, R]
    NDArray b = layer.slotB[p].get(step, new NDIndex("{}", slots)); // [N, R, out]
    NDArray xa = x.expandDims(1).batchMatMul(a); // [N, 1, R]
    return xa.batchMatMul(b).squeeze(1);
  }

  /** q [N, H, hd], k and v [N, KV, hd] for all rows; returns [N, H * hd]. */
  private NDArray attention(int l, List<Segment> segments, NDArray q, NDArray k, NDArray v) {
    int heads = config.numHeads();
    int kvHeads = config.numKvHeads();
    int group = heads / kvHeads;
    int hd = config.headDim();
    float scale = (float) (1.0 / Math.sqrt(hd));
    List<NDArray> outs = new ArrayList<>(segments.size());
    int row = 0;
    for (Segment s : segments) {
      int t = s.tokens().length;
      NDIndex rows = new NDIndex("{}:{}", row, row + t);
      row += t;
      // Query heads h = kv * group + j share kv head `kv`; folding the group into the row axis
      // lets one batched matmul per kv head serve them all without repeating keys.
      NDArray qs = q.get(rows).transpose(1, 0, 2).reshape(kvHeads, (long) group * t, hd);
      NDArray ks = k.get(rows).transpose(1, 0, 2);
      NDArray vs = v.get(rows).transpose(1, 0, 2);
      Sequence seq = s.sequence();
      NDArray keys = append(seq, seq.keys, l, ks);
      NDArray values = append(seq, seq.values, l, vs);
      int total = (int) keys.getShape().get(1);
      NDArray scores;
      // The transposed view would belong to the cache's manager and keep old caches alive.
      try (NDArray keysT = keys.transpose(0, 2, 1)) {
        scores = qs.batchMatMul(keysT).toType(DataType.FLOAT32, false);
      }
      scores = scores.mul(scale);
      if (t > 1) {
        scores =
            scores
                .reshape(heads, t, total)
                .add(causalMask(scores.getManager(), t, total))
                .reshape(kvHeads, (long) group * t, total);
      }
      NDArray probs = scores.softmax(-1).toType(dtype, false);
      NDArray out = probs.batchMatMul(values); // [KV, group*t, hd]
      outs.add(out.reshape(heads, t, hd).transpose(1, 0, 2).reshape(t, (long) heads * hd));
    }
    return outs.size() == 1 ? outs.get(0) : NDArrays.concat(new NDList(outs), 0);
  }

  /**
   * Appends new keys or values to a sequence's cache; the cache lives in the sequence's manager.
   */
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

  /** Query i (of t new tokens) sits at position total - t + i and sees keys up to it. */
  private static NDArray causalMask(NDManager m, int t, int total) {
    float[] mask = new float[t * total];
    int offset = total - t;
    for (int i = 0; i < t; i++) {
      for (int j = offset + i + 1; j < total; j++) {
        mask[i * total + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return m.create(mask, new Shape(1, t, total));
  }

  @Override
  public void close() {
    manager.close();
  }
}
