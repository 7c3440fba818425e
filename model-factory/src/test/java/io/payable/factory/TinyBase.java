package io.payable.factory;

import io.payable.models.SyntheticCheckpoints;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The base model of ModelFactory's tests that train: a random-initialised one-layer Llama, 16 wide,
 * with the test tokenizer, so a run takes seconds.
 */
public final class TinyBase {
  public static final SyntheticCheckpoints.Spec SPEC =
      new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 16, 32, 1, 2, 1, 64);

  private TinyBase() {}

  /** Writes it, seeded 1, into {@code dir}. */
  public static void write(Path dir) throws IOException {
    SyntheticCheckpoints.writeBase(dir, SPEC, 1);
  }
}
