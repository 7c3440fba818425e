package io.payable.factory.chain;

import java.util.List;

/** An adapter as ModelRegistry has it; hashes are lower-case 0x-hex. */
public record RegisteredAdapter(
    String owner,
    String baseModel,
    List<String> datanetIds,
    String artifactHash,
    boolean active,
    String trainingSetRoot,
    long trainingSetCount,
    String manifestHash,
    AttributionMethod method) {}
