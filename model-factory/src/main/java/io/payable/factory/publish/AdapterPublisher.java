package io.payable.factory.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.factory.FactoryException;
import io.payable.factory.provenance.AdapterArtifact;
import io.payable.factory.provenance.FileDigests;
import io.payable.factory.provenance.TrainingManifest;
import io.payable.models.InvalidModelException;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Publishes a finished adapter: copies its directory into the adapter store the workers read
 * ({@code payable serve --adapters DIR}) under its name, atomically (a worker never sees half a
 * copy), then asks each running worker to load it through vLLM's {@code POST
 * /v1/load_lora_adapter}; no restart.
 */
public final class AdapterPublisher {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;

  public AdapterPublisher() {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  public AdapterPublisher(HttpClient http) {
    this.http = http;
  }

  /** What a worker answered; {@code status} 0 when it could not be reached. */
  public record WorkerAnswer(String worker, int status, String body) {
    public boolean ok() {
      return status == 200;
    }
  }

  /** The outcome: where the adapter now lies and what each worker said. */
  public record Publication(String adapterName, Path storedAt, List<WorkerAnswer> workers) {}

  /**
   * Checks the adapter (complete, unchanged since its manifest, fits {@code base} when given),
   * copies it to {@code store/<name>} and loads it on {@code workers}.
   */
  public Publication publish(Path adapterDir, Path store, Optional<Path> base, List<URI> workers) {
    TrainingManifest manifest = TrainingManifest.read(adapterDir.resolve(AdapterArtifact.MANIFEST));
    AdapterArtifact artifact = AdapterArtifact.of(adapterDir);
    if (!artifact.sha256().equals(manifest.adapter().sha256())) {
      throw new FactoryException(
          "artifact_changed",
          adapterDir
              + " differs from its manifest: artifact 0x"
              + artifact.sha256()
              + ", manifest 0x"
              + manifest.adapter().sha256());
    }
    if (base.isPresent()) {
      checkBase(adapterDir, base.get(), manifest);
    }
    String name = manifest.adapterName();
    Path target = store.resolve(name);
    if (Files.exists(target)) {
      if (!AdapterArtifact.of(target).sha256().equals(artifact.sha256())) {
        throw new FactoryException(
            "adapter_exists", target + " holds another adapter named " + name);
      }
    } else {
      copyAtomically(adapterDir, store, target);
    }
    List<WorkerAnswer> answers = new ArrayList<>();
    for (URI worker : workers) {
      answers.add(load(worker, name, target));
    }
    return new Publication(name, target, answers);
  }

  private static void checkBase(Path adapterDir, Path base, TrainingManifest manifest) {
    String baseSha = FileDigests.listingDigest(FileDigests.files(base, java.util.Set.of()));
    if (!baseSha.equals(manifest.baseModel().sha256())) {
      throw new FactoryException(
          "base_mismatch",
          "the adapter was trained on base 0x"
              + manifest.baseModel().sha256()
              + " ("
              + manifest.baseModel().id()
              + "), "
              + base
              + " is 0x"
              + baseSha);
    }
    try {
      PeftAdapter.check(adapterDir, ModelConfig.read(base));
    } catch (InvalidModelException e) {
      throw new FactoryException("base_mismatch", e.getMessage(), e);
    }
  }

  private static void copyAtomically(Path from, Path store, Path target) {
    Path tmp = store.resolve(".publishing-" + target.getFileName() + "-" + System.nanoTime());
    try {
      Files.createDirectories(tmp);
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.copy(f, tmp.resolve(f.getFileName()));
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try (Stream<Path> left = Files.exists(tmp) ? Files.walk(tmp) : Stream.empty()) {
        left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // The failure below is what matters.
      }
      String msg = String.valueOf(e.getMessage());
      throw new FactoryException(
          msg.contains("No space left") ? "disk_full" : "io_error",
          "could not copy the adapter to " + target + ": " + msg,
          e);
    }
  }

  private WorkerAnswer load(URI worker, String name, Path path) {
    String body =
        JSON.createObjectNode()
            .put("lora_name", name)
            .put("lora_path", path.toAbsolutePath().toString())
            .toString();
    HttpRequest request =
        HttpRequest.newBuilder(worker.resolve("/v1/load_lora_adapter"))
            .timeout(Duration.ofSeconds(90))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new WorkerAnswer(worker.toString(), r.statusCode(), r.body());
    } catch (IOException e) {
      return new WorkerAnswer(worker.toString(), 0, "unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WorkerAnswer(worker.toString(), 0, "interrupted");
    }
  }
}
