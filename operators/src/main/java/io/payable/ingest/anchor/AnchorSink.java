package io.payable.ingest.anchor;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.chain.KeySource;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.ingest.shard.SealedShard;
import io.payable.sinks.BufferingCommittingWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.utils.Numeric;

/**
 * Anchors each sealed shard's Merkle root in DatanetRegistry, after the checkpoint that sealed it
 * completes. The committer is idempotent by shard id: it reads the anchor first, and the contract
 * itself treats a repeated (root, count) as a no-op, so replays after a failure never double
 * anchor. Chain errors are retried on later checkpoints, up to {@code maxRetries}; then the job
 * fails and its restart retries again.
 */
public final class AnchorSink implements Sink<SealedShard>, SupportsCommitter<AnchorCommittable> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AnchorSink.class);

  private final ChainEndpoint chain;
  private final int maxRetries;

  public AnchorSink(ChainEndpoint chain, int maxRetries) {
    this.chain = chain;
    this.maxRetries = maxRetries;
  }

  @Override
  public SinkWriter<SealedShard> createWriter(WriterInitContext context) {
    return new BufferingCommittingWriter<>(
        shard ->
            new AnchorCommittable(
                shard.datanetId(), shard.shardId(), shard.merkleRoot(), shard.documents().size()));
  }

  @Override
  public Committer<AnchorCommittable> createCommitter(CommitterInitContext context) {
    return new AnchorCommitter(chain, maxRetries);
  }

  @Override
  public SimpleVersionedSerializer<AnchorCommittable> getCommittableSerializer() {
    return new Serializer();
  }

  static final class AnchorCommitter implements Committer<AnchorCommittable> {
    private final ChainEndpoint chain;
    private final int maxRetries;
    private Web3j web3j;
    private DatanetRegistry registry;

    AnchorCommitter(ChainEndpoint chain, int maxRetries) {
      this.chain = chain;
      this.maxRetries = maxRetries;
    }

    private DatanetRegistry registry() {
      if (registry == null) {
        web3j = Web3j.build(new HttpService(chain.rpcUrl()));
        ChainClient client = new ChainClient(web3j, chain.chainId());
        registry =
            DatanetRegistry.load(
                chain.datanetRegistry(),
                web3j,
                client.transactionManager(KeySource.load(chain.keySource())),
                client.gasProvider());
      }
      return registry;
    }

    @Override
    public void commit(Collection<CommitRequest<AnchorCommittable>> requests) {
      for (CommitRequest<AnchorCommittable> request : requests) {
        AnchorCommittable a = request.getCommittable();
        byte[] datanet = Numeric.hexStringToByteArray(a.datanetId());
        byte[] shard = Numeric.hexStringToByteArray(a.shardId());
        byte[] root = Numeric.hexStringToByteArray(a.merkleRoot());
        try {
          Tuple3<byte[], BigInteger, BigInteger> existing =
              registry().anchorOf(datanet, shard).send();
          if (existing.component3().signum() != 0) {
            if (Arrays.equals(existing.component1(), root)) {
              request.signalAlreadyCommitted();
            } else {
              request.signalFailedWithKnownReason(
                  new IllegalStateException(
                      "shard " + a.shardId() + " is anchored with another root on chain"));
            }
            continue;
          }
          TransactionReceipt receipt =
              registry().anchor(datanet, shard, root, BigInteger.valueOf(a.count())).send();
          if (!receipt.isStatusOK()) {
            throw new IOException("anchor transaction reverted: " + receipt.getTransactionHash());
          }
          LOG.info(
              "Anchored shard {} of Datanet {} (root {}, {} contributions) in tx {}",
              a.shardId(),
              a.datanetId(),
              a.merkleRoot(),
              a.count(),
              receipt.getTransactionHash());
        } catch (Exception e) {
          if (request.getNumberOfRetries() < maxRetries) {
            LOG.warn("Anchoring shard {} failed, retrying later: {}", a.shardId(), e.toString());
            request.retryLater();
          } else {
            request.signalFailedWithUnknownReason(e);
          }
        }
      }
    }

    @Override
    public void close() {
      if (web3j != null) {
        web3j.shutdown();
      }
    }
  }

  private static final class Serializer implements SimpleVersionedSerializer<AnchorCommittable> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(AnchorCommittable a) throws IOException {
      DataOutputSerializer out = new DataOutputSerializer(160);
      out.writeUTF(a.datanetId());
      out.writeUTF(a.shardId());
      out.writeUTF(a.merkleRoot());
      out.writeLong(a.count());
      return out.getCopyOfBuffer();
    }

    @Override
    public AnchorCommittable deserialize(int version, byte[] bytes) throws IOException {
      if (version != 1) {
        throw new IOException("Unknown anchor committable version " + version);
      }
      DataInputDeserializer in = new DataInputDeserializer(bytes);
      return new AnchorCommittable(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong());
    }
  }
}
