package io.payable.index.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code BYTES} bytes of {@link Synthetic#text} to {@code FILE}: {@code WriteSynthetic BYTES
 * FILE}.
 */
public final class WriteSynthetic {

  private WriteSynthetic() {}

  public static void main(String[] args) throws Exception {
    Files.write(Path.of(args[1]), Synthetic.text(Integer.parseInt(args[0]), 11));
  }
}
