package io.payable.models.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.Engines;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.Safetensors;
import io.payable.models.influence.BlockPreconditioner;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.GradientSketcher;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.influence.SketchLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient sketches of a trained adapter (docs/attribution.md, version 2): its projection seed and
 * layout, and its influence store, written from each training sequence's forward and backward pass
 * at the adapter's weights.
 */
public final class InfluenceSketches {
  /** The default sketch dimension k. */
  public static final int DEFAULT_K = 2048;

  private InfluenceSketches() {}

  /** The adapter's projection seed: SHA-256 of its {@code adapter_model.safetensors}. */
  public static byte[] projectionSeed(Path adapterDir) throws IOException {
    try (InputStream in =
        new DigestInputStream(
            Files.newInputStream(adapterDir.resolve(PeftAdapter.WEIGHTS)),
            MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return ((DigestInputStream) in).getMessageDigest().digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The default layout of an adapter with {@code cfg}'s rank and targets on {@code base}. */
  public static SketchLayout layout(ModelConfig base, LoraTrainingConfig cfg, int k) {
    List<SketchLayout.Adapted> adapted = new ArrayList<>();
    for (LoraState.Pair p : LoraState.init(base, cfg).pairs) {
      adapted.add(
          new SketchLayout.Adapted(
              p.layer(),
              p.projection(),
              (int) p.aShape()[0],
              (int) p.aShape()[1],
              (int) p.bShape()[0]));
    }
    return SketchLayout.defaults(adapted, k);
  }

  /**
   * Writes the influence store of a trained adapter: one sketch per training sequence (in order)
   * with its provenance, and the preconditioner.
   *
   * @return the store's SHA-256 and size
   */
  public static InfluenceStore.Written writeStore(
      Path baseModelDir,
      Path adapterDir,
      LoraTrainingConfig cfg,
      List<TrainingSequence> train,
      List<ExampleProvenance> provenance,
      int k,
      Path out,
      Device device)
      throws IOException {
    if (train.size() != provenance.size()) {
      throw new IllegalArgumentException(
          train.size() + " sequences for " + provenance.size() + " provenance records");
    }
    ModelConfig base = ModelConfig.read(baseModelDir);
    LoraState state =
        LoraState.of(base, cfg, Safetensors.read(adapterDir.resolve(PeftAdapter.WEIGHTS)));
    byte[] seed = projectionSeed(adapterDir);
    GradientSketcher sketcher = GradientSketcher.of(layout(base, cfg, k), seed);
    List<float[]> sketches = new ArrayList<>(train.size());
    try (NDManager root = Engines.newManager(device);
        LoraModel model = LoraModel.load(baseModelDir, root, device)) {
      for (TrainingSequence s : train) {
        // One sequence at a time: its activations are dropped once it is sketched.
        sketches.add(
            sketcher.sketchOfActivations(
                Gradients.perExampleActivations(model, state, cfg, List.of(s)).get(0)));
      }
    }
    return InfluenceStore.write(
        out, sketcher.layout(), seed, BlockPreconditioner.DEFAULT_DAMPING, sketches, provenance);
  }
}
