package io.payable.contracts.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the Payable contracts live on a chain: the deployment file that jobs and the CLI read.
 *
 * @param version file format version, {@value #FORMAT_VERSION}
 * @param chainId EIP-155 chain id
 * @param block block of the first deployment transaction, where event scans start
 * @param deployer address that sent the deployment transactions
 * @param consumerEscrow the ConsumerEscrow consumers pay from; null in files written before it
 *     existed (then nothing is paid by consumers)
 */
public record Deployment(
    int version,
    long chainId,
    long block,
    String deployer,
    String openToken,
    String timelock,
    String governor,
    String protocolParams,
    String datanetRegistry,
    String staking,
    String modelRegistry,
    String rewardDistributor,
    String consumerEscrow) {

  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Deployment {
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported deployment file version " + version + ", expected " + FORMAT_VERSION);
    }
    Objects.requireNonNull(openToken, "openToken");
    Objects.requireNonNull(rewardDistributor, "rewardDistributor");
  }

  /** A deployment without a consumer escrow (files written before it existed). */
  public Deployment(
      int version,
      long chainId,
      long block,
      String deployer,
      String openToken,
      String timelock,
      String governor,
      String protocolParams,
      String datanetRegistry,
      String staking,
      String modelRegistry,
      String rewardDistributor) {
    this(
        version,
        chainId,
        block,
        deployer,
        openToken,
        timelock,
        governor,
        protocolParams,
        datanetRegistry,
        staking,
        modelRegistry,
        rewardDistributor,
        null);
  }

  public static Deployment read(Path file) {
    try {
      return JSON.readValue(file.toFile(), Deployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read deployment file " + file, e);
    }
  }

  public static Deployment fromJson(String json) {
    try {
      return JSON.readValue(json, Deployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Bad deployment JSON", e);
    }
  }

  /** Writes the file atomically (temp file + move), creating parent directories. */
  public void write(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, toJson());
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write deployment file " + file, e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + System.lineSeparator();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
