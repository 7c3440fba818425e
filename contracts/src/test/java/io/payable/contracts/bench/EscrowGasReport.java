package io.payable.contracts.bench;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.client.RedeemResult;
import io.payable.contracts.client.Redemption;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

/**
 * Gas of ConsumerEscrow's batch redeem per consumer, for batches of 1, 10 and 100 consumers: the
 * first redemption of each consumer (its redeemed total goes from zero) and a repeat one (the next
 * epoch's charges), beside what it costs a consumer to fund the distributor itself with {@code
 * fund} (the peer: no escrow, no voucher, one transaction per consumer). Writes a Markdown table to
 * the file named by the first argument (default {@code contracts/target/escrow-gas.md}).
 *
 * <p>Run: {@code ./mvnw -B -q -pl contracts test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.payable.contracts.bench.EscrowGasReport}
 */
public final class EscrowGasReport {

  private static final BigInteger OPEN = BigInteger.TEN.pow(18);
  private static final int[] SIZES = {1, 10, 100};
  private static final long FAR = 4_000_000_000L;

  private EscrowGasReport() {}

  public static void main(String[] args) throws Exception {
    GasBench.writeReport(args, "contracts/target/escrow-gas.md", EscrowGasReport::run);
  }

  static String run(AnvilChain chain) throws Exception {
    Web3j web3j = chain.newClient();
    try {
      ChainClient client = new ChainClient(web3j, chain.chainId());
      Deployment d = GasBench.deploy(chain, client);
      OpenToken holder =
          OpenToken.load(
              d.openToken(),
              web3j,
              client.transactionManager(chain.account(0).credentials()),
              client.gasProvider());
      EscrowClient settler = EscrowClient.connect(client, d, chain.account(1).credentials());

      StringBuilder md =
          new StringBuilder(
              "| consumers in batch | first redeem: tx gas | per consumer | repeat redeem: tx gas"
                  + " | per consumer | peer: `fund` by each consumer, gas per consumer |"
                  + " ratio first / peer | ratio repeat / peer |\n"
                  + "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (int size : SIZES) {
        List<Credentials> consumers = new ArrayList<>(size);
        long peerGas = 0;
        for (int i = 0; i < size; i++) {
          Credentials c = Credentials.create(Keys.createEcKeyPair());
          new Transfer(web3j, client.transactionManager(chain.account(0).credentials()))
              .sendFunds(c.getAddress(), java.math.BigDecimal.ONE, Convert.Unit.ETHER)
              .send();
          holder.transfer(c.getAddress(), OPEN.multiply(BigInteger.valueOf(200))).send();
          EscrowClient.connect(client, d, c).deposit(OPEN.multiply(BigInteger.valueOf(100)));
          // The peer: the consumer funds the distributor directly (approval made beforehand).
          var tx = client.transactionManager(c);
          OpenToken token = OpenToken.load(d.openToken(), web3j, tx, client.gasProvider());
          token.approve(d.rewardDistributor(), OPEN).send();
          TransactionReceipt funded =
              RewardDistributor.load(d.rewardDistributor(), web3j, tx, client.gasProvider())
                  .fund(OPEN)
                  .send();
          peerGas += funded.getGasUsed().longValueExact();
          consumers.add(c);
        }
        RedeemResult first = settler.redeem(batch(client, d, consumers, 3));
        RedeemResult repeat = settler.redeem(batch(client, d, consumers, 5));
        check(first, size);
        check(repeat, size);
        long peer = peerGas / size;
        md.append(
            String.format(
                "| %d | %,d | %,d | %,d | %,d | %,d | %.2f | %.2f |%n",
                size,
                first.gasUsed(),
                first.gasUsed() / size,
                repeat.gasUsed(),
                repeat.gasUsed() / size,
                peer,
                (double) first.gasUsed() / size / peer,
                (double) repeat.gasUsed() / size / peer));
      }
      return md.toString();
    } finally {
      web3j.shutdown();
    }
  }

  private static List<Redemption> batch(
      ChainClient client, Deployment d, List<Credentials> consumers, long openCharged) {
    var domain = EscrowClient.connect(client, d, consumers.get(0)).voucherDomain();
    BigInteger charged = OPEN.multiply(BigInteger.valueOf(openCharged));
    List<Redemption> batch = new ArrayList<>(consumers.size());
    for (Credentials c : consumers) {
      Voucher v = new Voucher(c.getAddress(), charged.add(OPEN), FAR);
      batch.add(new Redemption(SignedVoucher.sign(domain, v, c), charged));
    }
    return batch;
  }

  private static void check(RedeemResult result, int size) {
    if (result.redeemed().size() != size || !result.shortfalls().isEmpty()) {
      throw new IllegalStateException("expected " + size + " redemptions, got " + result);
    }
  }
}
