package io.payable.cli.consumer;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.chain.KeySource;
import io.payable.contracts.client.EscrowAccount;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.deploy.Deployment;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable consumer deposit|balance|withdraw}: a consumer's OPEN in ConsumerEscrow, the money
 * that pays for inference (docs/consumer-guide.md). Amounts are OPEN wei.
 */
@Command(
    name = "consumer",
    mixinStandardHelpOptions = true,
    description = "Deposit OPEN to pay for inference, show the balance, withdraw.",
    subcommands = {
      ConsumerCommand.Deposit.class,
      ConsumerCommand.Balance.class,
      ConsumerCommand.Withdraw.class
    })
public final class ConsumerCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Chain and deployment options shared by the subcommands. */
  static final class Chain {
    @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint of the chain.")
    String rpc;

    @Option(names = "--deployment", required = true, description = "Deployment file (JSON).")
    Path deployment;

    <T> T with(Credentials key, EscrowCall<T> call) throws Exception {
      Web3j web3j = Web3j.build(new HttpService(rpc));
      try {
        Deployment d = Deployment.read(deployment);
        if (d.consumerEscrow() == null) {
          throw new IllegalArgumentException(
              "the deployment has no consumerEscrow: redeploy the contracts");
        }
        ChainClient chain = new ChainClient(web3j, d.chainId());
        return call.apply(EscrowClient.connect(chain, d, key));
      } finally {
        web3j.shutdown();
      }
    }
  }

  @FunctionalInterface
  interface EscrowCall<T> {
    T apply(EscrowClient escrow) throws Exception;
  }

  /** The consumer's key. */
  static final class Key {
    @Option(names = "--key-env", description = "Environment variable holding the hex private key.")
    String env;

    @Option(names = "--key-file", description = "File holding the hex private key.")
    Path file;

    Credentials credentials() {
      return KeySource.load(env != null ? "env:" + env : "file:" + file);
    }
  }

  static BigInteger wei(String amount) {
    BigInteger v;
    try {
      v = new BigInteger(amount);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("amount must be an integer number of wei: " + amount);
    }
    if (v.signum() <= 0) {
      throw new IllegalArgumentException("amount must be positive: " + amount);
    }
    return v;
  }

  static void print(PrintWriter out, String consumer, EscrowAccount a) {
    out.printf(
        "%s: balance %s wei, available %s wei, redeemed %s wei%s%n",
        consumer,
        a.balance(),
        a.available(),
        a.redeemed(),
        a.withdrawalAmount().signum() == 0
            ? ""
            : ", withdrawal of "
                + a.withdrawalAmount()
                + " wei from "
                + Instant.ofEpochSecond(a.withdrawableAt()));
    out.flush();
  }

  static int fail(CommandSpec spec, Exception e) {
    spec.commandLine().getErr().println("error: " + e.getMessage());
    return e instanceof IllegalArgumentException ? 2 : 1;
  }

  @Command(
      name = "deposit",
      mixinStandardHelpOptions = true,
      description = "Deposit OPEN wei into the escrow (approve + deposit, or one permit).")
  static final class Deposit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Chain chain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Key key;

    @Parameters(paramLabel = "WEI", description = "Amount in OPEN wei.")
    String amount;

    @Option(
        names = "--permit",
        description = "Sign an ERC-2612 permit instead of sending an approval (one transaction).")
    boolean permit;

    @Override
    public Integer call() {
      try {
        Credentials c = key.credentials();
        BigInteger v = wei(amount);
        return chain.with(
            c,
            escrow -> {
              var receipt =
                  permit
                      ? escrow.depositWithPermit(v, Instant.now().getEpochSecond() + 3_600)
                      : escrow.deposit(v);
              PrintWriter out = spec.commandLine().getOut();
              out.printf("Deposited %s wei in %s%n", v, receipt.getTransactionHash());
              print(out, c.getAddress(), escrow.account(c.getAddress()));
              return 0;
            });
      } catch (Exception e) {
        return fail(spec, e);
      }
    }
  }

  @Command(
      name = "balance",
      mixinStandardHelpOptions = true,
      description =
          "Show a consumer's balance, what is available to workers, and what was redeemed.")
  static final class Balance implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Chain chain;

    @Parameters(paramLabel = "ADDRESS", description = "0x consumer address.")
    String address;

    @Override
    public Integer call() {
      try {
        if (!address.startsWith("0x") || !WalletUtils.isValidAddress(address)) {
          throw new IllegalArgumentException("not an address: " + address);
        }
        // Reads only: the key signs nothing.
        return chain.with(
            Credentials.create("0x1"),
            escrow -> {
              print(spec.commandLine().getOut(), address, escrow.account(address));
              return 0;
            });
      } catch (Exception e) {
        return fail(spec, e);
      }
    }
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description =
          "With --request WEI, announce a withdrawal (paid after the escrow's delay); without it,"
              + " withdraw what was announced once the delay is over.")
  static final class Withdraw implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Chain chain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Key key;

    @Option(names = "--request", paramLabel = "WEI", description = "Announce a withdrawal.")
    String request;

    @Override
    public Integer call() {
      try {
        Credentials c = key.credentials();
        return chain.with(
            c,
            escrow -> {
              PrintWriter out = spec.commandLine().getOut();
              EscrowAccount a = escrow.account(c.getAddress());
              if (request != null) {
                BigInteger v = wei(request);
                if (v.compareTo(a.balance()) > 0) {
                  throw new IllegalArgumentException(
                      "the balance is " + a.balance() + " wei, less than " + v);
                }
                escrow.requestWithdrawal(v);
              } else {
                if (a.withdrawalAmount().signum() == 0) {
                  throw new IllegalArgumentException(
                      "no withdrawal announced: run with --request WEI first");
                }
                long now = escrow.chainTime();
                if (a.withdrawableAt() > now) {
                  spec.commandLine()
                      .getErr()
                      .printf(
                          "error: the withdrawal can be paid from %s (in %d s)%n",
                          Instant.ofEpochSecond(a.withdrawableAt()), a.withdrawableAt() - now);
                  return 1;
                }
                escrow.withdraw();
              }
              print(out, c.getAddress(), escrow.account(c.getAddress()));
              return 0;
            });
      } catch (Exception e) {
        return fail(spec, e);
      }
    }
  }
}
