package io.payable.lora.adapter;

import java.nio.file.Path;

/**
 * A registered adapter on disk: validated against the base model from its config and safetensors
 * header, without loading any weights.
 */
public record AdapterDescriptor(
    String id, Path dir, String version, int rank, double scaling, long weightBytes) {}
