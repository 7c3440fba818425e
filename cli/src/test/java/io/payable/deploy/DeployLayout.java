package io.payable.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's deploy/ directory is, seen from a test of the jobs module. */
final class DeployLayout {

  private DeployLayout() {}

  /** The repository root: the nearest directory above the working directory with deploy/k8s. */
  static Path repository() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("deploy/k8s"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no deploy/k8s above " + Path.of("").toAbsolutePath());
  }

  /** The standalone-cluster script. */
  static Path clusterScript() {
    return repository().resolve("deploy/local/payable-cluster.sh");
  }
}
