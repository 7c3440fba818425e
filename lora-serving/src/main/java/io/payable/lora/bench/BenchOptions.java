package io.payable.lora.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Sizes of the LoRA benchmark.
 *
 * @param minRank adapters get ranks from minRank to maxRank, cycling
 * @param requests requests per mix; {@code maxRunning} of them stream at once
 */
public record BenchOptions(
    Path workDir,
    int vocab,
    int hidden,
    int layers,
    int heads,
    int kvHeads,
    int intermediate,
    int minRank,
    int maxRank,
    int adapters,
    List<Integer> mixes,
    int requests,
    int promptTokens,
    int maxTokens,
    int maxRunning,
    int slots,
    int coldSamples,
    int repeats,
    java.util.Set<io.payable.models.Projection> targets,
    ai.djl.ndarray.types.DataType dtype) {}
