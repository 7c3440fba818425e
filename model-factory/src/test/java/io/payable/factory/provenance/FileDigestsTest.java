package io.payable.factory.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {

  /** The artifact hash is what {@code sha256sum * | sha256sum} prints in the directory. */
  @Test
  void artifactHashEqualsSha256sumOfTheSha256sumListing(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 8}\n");
    Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3, 0, (byte) 255});
    Files.writeString(dir.resolve(AdapterArtifact.MANIFEST), "{}");

    Process p =
        new ProcessBuilder(
                "sh", "-c", "sha256sum adapter_config.json adapter_model.safetensors | sha256sum")
            .directory(dir.toFile())
            .start();
    String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    AdapterArtifact artifact = AdapterArtifact.of(dir);
    assertThat(artifact.sha256()).isEqualTo(expected.substring(0, 64));
    assertThat(artifact.files())
        .containsOnlyKeys("adapter_config.json", "adapter_model.safetensors");
    assertThat(FileDigests.files(dir, Set.of())).hasSize(3);

    // One byte changes the hash.
    Files.write(dir.resolve("adapter_model.safetensors"), new byte[] {1, 2, 3, 0, (byte) 254});
    assertThat(AdapterArtifact.of(dir).sha256()).isNotEqualTo(artifact.sha256());
  }
}
