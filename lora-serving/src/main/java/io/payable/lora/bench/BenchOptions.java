package io.payable.lora.bench;

import java.nio.file.Path;
import java.util.List;

/** Sizes of the LoRA benchmark. */
public record BenchOptions(
    Path workDir,
    int hidden,
    int layers,
    int heads,
    int intermediate,
    int rank,
    int adapters,
    List<Integer> mixes,
    int requests,
    int promptTokens,
    int maxTokens,
    int maxRunning,
    int slots,
    int naiveRequests,
    int coldSamples,
    int repeats) {}
