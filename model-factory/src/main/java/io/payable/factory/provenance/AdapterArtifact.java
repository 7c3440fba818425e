package io.payable.factory.provenance;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The artifact hash of an adapter directory: {@link FileDigests#listingDigest} of every file in it
 * except the training manifest (which records this hash, so it cannot be part of it).
 *
 * @param sha256 lower-case hex, without 0x
 * @param files name -> SHA-256 of each file hashed
 */
public record AdapterArtifact(String sha256, Map<String, String> files) {

  public static final String MANIFEST = "training-manifest.json";

  public AdapterArtifact {
    files = Map.copyOf(files);
  }

  public static AdapterArtifact of(Path adapterDir) {
    Map<String, String> files = FileDigests.files(adapterDir, Set.of(MANIFEST));
    return new AdapterArtifact(FileDigests.listingDigest(files), files);
  }
}
