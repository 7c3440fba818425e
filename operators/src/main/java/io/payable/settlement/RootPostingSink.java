package io.payable.settlement;

import io.payable.sinks.BufferingCommittingWriter;
import java.io.IOException;
import java.math.BigInteger;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Posts each settled epoch's root to RewardDistributor once the checkpoint that produced it has
 * completed (Sink V2, two-phase): the writer turns roots into committables, {@link RootCommitter}
 * posts them. Run it at parallelism 1 so epochs are posted in order.
 */
public final class RootPostingSink implements Sink<EpochRoot>, SupportsCommitter<EpochRoot> {

  private static final long serialVersionUID = 1L;

  private final DistributorEndpoint chain;
  private final SettlementLedger ledger;
  private final RootCommitter.Settings settings;
  private final PostingHook hook;

  public RootPostingSink(
      DistributorEndpoint chain,
      SettlementLedger ledger,
      RootCommitter.Settings settings,
      PostingHook hook) {
    this.chain = chain;
    this.ledger = ledger;
    this.settings = settings;
    this.hook = hook;
  }

  @Override
  public SinkWriter<EpochRoot> createWriter(WriterInitContext context) {
    return new BufferingCommittingWriter<>(root -> root);
  }

  @Override
  public Committer<EpochRoot> createCommitter(CommitterInitContext context) {
    return new RootCommitter(chain, ledger, settings, hook, context.metricGroup());
  }

  @Override
  public SimpleVersionedSerializer<EpochRoot> getCommittableSerializer() {
    return new Serializer();
  }

  /**
   * Version 1: epoch, root, totals as decimal strings, counts, manifest hash. The root's consumer
   * charges are not part of it: the funding gate redeemed them before the root became a
   * committable.
   */
  static final class Serializer implements SimpleVersionedSerializer<EpochRoot> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(EpochRoot r) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(256);
      out.writeLong(r.epoch());
      out.writeUTF(r.root());
      out.writeUTF(r.totalCumulativeWei().toString());
      out.writeUTF(r.epochTotalWei().toString());
      out.writeInt(r.accounts());
      out.writeInt(r.activeAccounts());
      out.writeInt(r.lateCredits());
      out.writeUTF(r.manifestHash());
      return out.getCopyOfBuffer();
    }

    @Override
    public EpochRoot deserialize(int version, byte[] bytes) throws IOException {
      if (version != 1) {
        throw new IOException("Unknown epoch root committable version " + version);
      }
      DataInputDeserializer in = new DataInputDeserializer(bytes);
      return new EpochRoot(
          in.readLong(),
          in.readUTF(),
          new BigInteger(in.readUTF()),
          new BigInteger(in.readUTF()),
          in.readInt(),
          in.readInt(),
          in.readInt(),
          in.readUTF());
    }
  }
}
