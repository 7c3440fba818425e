package io.payable.models.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.models.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's checkpoints under {@code runDir/checkpoints}: {@code step-NNNNNNNN/} holding {@code
 * lora.safetensors} (LoRA weights and AdamW moments) and {@code state.json} (step, the run's
 * fingerprint, loss and eval curves, tokens seen, wall time). Each is written under a temporary
 * name and renamed when complete, so every {@code step-*} directory is whole; the two newest are
 * kept.
 */
final class RunCheckpoints {
  static final String DIR = "checkpoints";
  static final String WEIGHTS = "lora.safetensors";
  static final String STATE = "state.json";
  private static final String PREFIX = "step-";
  private static final String TEMP = ".tmp-";
  private static final int KEEP = 2;

  private final Path dir;

  /** What a checkpoint holds besides the tensors. */
  record Saved(
      int step,
      String fingerprint,
      List<Double> losses,
      List<EvalPoint> evalCurve,
      long tokensSeen,
      long wallNanos) {}

  RunCheckpoints(Path runDir) throws IOException {
    this.dir = runDir.resolve(DIR);
    Files.createDirectories(dir);
    // A temporary directory is a checkpoint a crash interrupted: never complete, never read.
    for (Path p : list()) {
      if (p.getFileName().toString().startsWith(TEMP)) {
        deleteTree(p);
      }
    }
  }

  private List<Path> list() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    }
    return out;
  }

  private List<Path> complete() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : list()) {
      if (p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p)) {
        out.add(p);
      }
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  /** The newest complete checkpoint's directory. */
  Optional<Path> latest() throws IOException {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  static Saved readSaved(Path checkpoint) {
    try {
      JsonNode s = new ObjectMapper().readTree(checkpoint.resolve(STATE).toFile());
      List<Double> losses = new ArrayList<>();
      s.get("losses").forEach(n -> losses.add(n.asDouble()));
      List<EvalPoint> eval = new ArrayList<>();
      s.get("eval").forEach(n -> eval.add(new EvalPoint(n.get(0).asInt(), n.get(1).asDouble())));
      return new Saved(
          s.get("step").asInt(),
          s.get("fingerprint").asText(),
          losses,
          eval,
          s.get("tokens_seen").asLong(),
          s.get("wall_nanos").asLong());
    } catch (IOException | NullPointerException e) {
      throw new IllegalArgumentException(checkpoint + ": unreadable checkpoint state: " + e);
    }
  }

  static LoraState readState(Path checkpoint, ModelConfig base, LoraTrainingConfig cfg, int step) {
    return LoraState.read(checkpoint.resolve(WEIGHTS), base, cfg, step);
  }

  /** Writes a checkpoint atomically and drops all but the newest {@value #KEEP}. */
  Path write(LoraState state, Saved saved) throws IOException {
    String name = String.format("%s%08d", PREFIX, saved.step());
    Path temp = dir.resolve(TEMP + name);
    deleteTree(temp);
    Files.createDirectories(temp);
    state.write(temp.resolve(WEIGHTS));
    ObjectMapper json = new ObjectMapper();
    ObjectNode s = json.createObjectNode();
    s.put("format", 1);
    s.put("step", saved.step());
    s.put("fingerprint", saved.fingerprint());
    ArrayNode losses = s.putArray("losses");
    saved.losses().forEach(losses::add);
    ArrayNode eval = s.putArray("eval");
    saved.evalCurve().forEach(p -> eval.addArray().add(p.step()).add(p.loss()));
    s.put("tokens_seen", saved.tokensSeen());
    s.put("wall_nanos", saved.wallNanos());
    json.writeValue(temp.resolve(STATE).toFile(), s);
    Path target = dir.resolve(name);
    deleteTree(target);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    List<Path> all = complete();
    for (int i = 0; i < all.size() - KEEP; i++) {
      deleteTree(all.get(i));
    }
    return target;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.delete(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
