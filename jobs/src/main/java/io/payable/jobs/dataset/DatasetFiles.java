package io.payable.jobs.dataset;

import java.io.IOException;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Files of the dataset directory through Flink's file systems (local, HDFS, S3, ...). */
final class DatasetFiles {

  private DatasetFiles() {}

  static void write(String dir, String name, byte[] bytes) throws IOException {
    Path path = new Path(dir, name);
    FileSystem fs = path.getFileSystem();
    try (FSDataOutputStream out = fs.create(path, FileSystem.WriteMode.OVERWRITE)) {
      out.write(bytes);
    }
  }

  static boolean exists(String dir, String name) throws IOException {
    Path path = new Path(dir, name);
    return path.getFileSystem().exists(path);
  }

  /** Writes {@code name} under a temporary name first, so readers see all of it or nothing. */
  static void publish(String dir, String name, byte[] bytes) throws IOException {
    write(dir, name + ".tmp", bytes);
    Path tmp = new Path(dir, name + ".tmp");
    if (!tmp.getFileSystem().rename(tmp, new Path(dir, name))) {
      throw new IOException("could not rename " + tmp + " to " + name);
    }
  }
}
