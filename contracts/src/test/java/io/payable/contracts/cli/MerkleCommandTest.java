package io.payable.contracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MerkleCommandTest {

  private static final String A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final String B = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
  private static final String D = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new MerkleCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute(args)).isZero();
    return out.toString();
  }

  @Test
  void printsTheRootOnTheLastLineAndProofsAsJson(@TempDir Path dir) throws Exception {
    Path leaves = dir.resolve("leaves.jsonl");
    Files.writeString(
        leaves,
        "{\"account\":\""
            + A
            + "\",\"cumulative\":\"123\"}\n"
            + "{\"account\":\""
            + B
            + "\",\"cumulative\":\"1000000000000000000000\"}\n");
    StandardMerkleTree tree =
        StandardMerkleTree.of(
            D,
            List.of(
                new RewardLeaf(A, BigInteger.valueOf(123)),
                new RewardLeaf(B, new BigInteger("1000000000000000000000"))));

    String[] lines =
        run("root", "--distributor", D, "--input", leaves.toString()).strip().split("\\R");
    assertThat(lines[lines.length - 1]).isEqualTo(tree.rootHex());
    assertThat(lines[0]).isEqualTo("leaves: 2");

    String proof =
        run(
            "proof",
            "--distributor",
            D,
            "--input",
            leaves.toString(),
            "--account",
            B.toLowerCase());
    assertThat(proof).contains(tree.proofHex(1).get(0)).contains(tree.rootHex());
  }
}
