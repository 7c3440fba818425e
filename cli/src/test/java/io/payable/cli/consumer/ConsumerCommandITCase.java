package io.payable.cli.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.cli.PayableCli;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.testing.PayableFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.utils.Numeric;
import picocli.CommandLine;

/** {@code payable consumer deposit|balance|withdraw} against ConsumerEscrow on anvil. */
class ConsumerCommandITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int CONSUMER = 5;

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        PayableCli.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void depositShowWithdraw() throws Exception {
    PayableFixture fx =
        PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    Path deployment = dir.resolve("deployment.json");
    fx.deployment().write(deployment);
    String consumer = fx.address(CONSUMER);
    fx.token(PayableFixture.DEPLOYER).transfer(consumer, BigInteger.valueOf(1_000)).send();
    Path key = dir.resolve("consumer.key");
    Files.writeString(
        key,
        Numeric.toHexStringWithPrefixZeroPadded(
            fx.account(CONSUMER).credentials().getEcKeyPair().getPrivateKey(), 64));
    String rpc = ANVIL.chain().rpcUrl();
    String[] chain = {"--rpc", rpc, "--deployment", deployment.toString()};

    Run deposit =
        cli(
            concat(
                new String[] {"consumer", "deposit", "300", "--key-file", key.toString()}, chain));
    assertThat(deposit.exit()).as(deposit.err()).isZero();
    Run permit =
        cli(
            concat(
                new String[] {
                  "consumer", "deposit", "200", "--permit", "--key-file", key.toString()
                },
                chain));
    assertThat(permit.exit()).as(permit.err()).isZero();
    Run balance = cli(concat(new String[] {"consumer", "balance", consumer}, chain));
    assertThat(balance.exit()).as(balance.err()).isZero();
    assertThat(balance.out()).contains("balance 500 wei, available 500 wei, redeemed 0 wei");
    assertThat(fx.token(PayableFixture.DEPLOYER).balanceOf(consumer).send())
        .isEqualTo(BigInteger.valueOf(500));

    Run early =
        cli(concat(new String[] {"consumer", "withdraw", "--key-file", key.toString()}, chain));
    assertThat(early.exit()).isEqualTo(2);
    assertThat(early.err()).contains("no withdrawal announced").doesNotContain("Exception");
    Run request =
        cli(
            concat(
                new String[] {
                  "consumer", "withdraw", "--request", "120", "--key-file", key.toString()
                },
                chain));
    assertThat(request.exit()).as(request.err()).isZero();
    assertThat(request.out()).contains("available 380 wei").contains("withdrawal of 120 wei");
    Run tooSoon =
        cli(concat(new String[] {"consumer", "withdraw", "--key-file", key.toString()}, chain));
    assertThat(tooSoon.exit()).isEqualTo(1);
    assertThat(tooSoon.err()).contains("the withdrawal can be paid from");

    ANVIL.chain().advance(2 * DeployConfig.localDefaults().epochLengthSeconds());
    Run withdraw =
        cli(concat(new String[] {"consumer", "withdraw", "--key-file", key.toString()}, chain));
    assertThat(withdraw.exit()).as(withdraw.err()).isZero();
    Run after = cli(concat(new String[] {"consumer", "balance", consumer}, chain));
    assertThat(after.out()).contains("balance 380 wei, available 380 wei");
    assertThat(fx.token(PayableFixture.DEPLOYER).balanceOf(consumer).send())
        .isEqualTo(BigInteger.valueOf(620));

    Run bad = cli(concat(new String[] {"consumer", "balance", "0x12"}, chain));
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("error: not an address: 0x12");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
