package io.payable.factory.run;

import io.payable.factory.provenance.TrainingManifest;
import io.payable.factory.tables.TrainingRow;
import java.nio.file.Path;

/**
 * A finished run.
 *
 * @param adapterDir the adapter with its manifest, under the runs directory
 * @param manifestSha256 SHA-256 of the manifest file, as registered
 */
public record TrainingOutcome(
    String runId,
    Path adapterDir,
    TrainingManifest manifest,
    String manifestSha256,
    TrainingRow row) {}
