package io.payable.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Reads the frozen weights of a Llama-family checkpoint onto a device, by their Hugging Face names
 * and shapes, for both forward passes: the serving one ({@link CausalLm}) and the training one
 * ({@code io.payable.models.train}). Matrices come in the compute dtype, norm weights in F32 (norms
 * are computed in F32, as transformers does), projections transposed and contiguous ({@code [in,
 * out]}) so a step is a plain matmul. Every array is a copy in PyTorch's own memory, owned by the
 * given manager, so no array depends on a Java buffer the garbage collector may free while a
 * gradient tape still reads it.
 */
public final class BaseWeights {
  private final ModelConfig config;
  private final Checkpoint checkpoint;
  private final NDManager manager;
  private final DataType dtype;

  public BaseWeights(ModelConfig config, Checkpoint checkpoint, NDManager manager, DataType dtype) {
    this.config = config;
    this.checkpoint = checkpoint;
    this.manager = manager;
    this.dtype = dtype;
  }

  /** {@code model.embed_tokens.weight}, [vocab, hidden]. */
  public NDArray embed() {
    return matrix("model.embed_tokens.weight", config.vocabSize(), config.hiddenSize());
  }

  /** {@code lm_head.weight}, [vocab, hidden]; only for a checkpoint with an untied head. */
  public NDArray untiedHead() {
    if (config.tieWordEmbeddings()) {
      throw new IllegalStateException("the output head is tied to the embeddings");
    }
    return matrix("lm_head.weight", config.vocabSize(), config.hiddenSize());
  }

  public NDArray finalNorm() {
    return norm("model.norm.weight", config.hiddenSize());
  }

  public NDArray inputNorm(int layer) {
    return norm(prefix(layer) + "input_layernorm.weight", config.hiddenSize());
  }

  public NDArray postAttentionNorm(int layer) {
    return norm(prefix(layer) + "post_attention_layernorm.weight", config.hiddenSize());
  }

  /** Qwen3's per-head query norm; null for families without one. */
  public NDArray queryNorm(int layer) {
    return config.qkNorm()
        ? norm(prefix(layer) + "self_attn.q_norm.weight", config.headDim())
        : null;
  }

  /** Qwen3's per-head key norm; null for families without one. */
  public NDArray keyNorm(int layer) {
    return config.qkNorm()
        ? norm(prefix(layer) + "self_attn.k_norm.weight", config.headDim())
        : null;
  }

  /** A projection's weight transposed, {@code [in, out]}, contiguous. */
  public NDArray projectionT(int layer, Projection p) {
    NDArray w = matrix(p.path(layer) + ".weight", config.projectionShape(p));
    NDArray t = w.transpose().duplicate();
    w.close();
    return t;
  }

  /** A projection's bias, {@code [out]}; null when the family has none there. */
  public NDArray bias(int layer, Projection p) {
    if (!config.biased().contains(p)) {
      return null;
    }
    return matrix(p.path(layer) + ".bias", config.projectionShape(p)[0]);
  }

  private static String prefix(int layer) {
    return "model.layers." + layer + ".";
  }

  private NDArray matrix(String name, long... shape) {
    NDArray a = owned(name, shape);
    if (dtype == DataType.FLOAT32) {
      return a;
    }
    NDArray cast = a.toType(dtype, false);
    a.close();
    return cast;
  }

  private NDArray norm(String name, long size) {
    return owned(name, size);
  }

  /** DJL's {@code create} wraps a Java direct buffer; the duplicate lives in PyTorch's memory. */
  private NDArray owned(String name, long... shape) {
    Tensor t = checkpoint.load(name, shape);
    NDArray wrapped = manager.create(t.data(), new Shape(shape));
    NDArray copy = wrapped.duplicate();
    wrapped.close();
    return copy;
  }
}
