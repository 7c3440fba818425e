package io.payable.ingest.shard;

import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Checkpoint format of {@link ShardCommittable} (version 1). */
final class ShardCommittableSerializer implements SimpleVersionedSerializer<ShardCommittable> {

  @Override
  public int getVersion() {
    return 1;
  }

  @Override
  public byte[] serialize(ShardCommittable c) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    out.writeUTF(c.datanetId());
    out.writeLong(c.sequence());
    out.writeUTF(c.shardId());
    out.writeUTF(c.stagingPath());
    out.writeUTF(c.finalPath());
    return out.getCopyOfBuffer();
  }

  @Override
  public ShardCommittable deserialize(int version, byte[] serialized) throws IOException {
    if (version != 1) {
      throw new IOException("Unknown shard committable version " + version);
    }
    DataInputDeserializer in = new DataInputDeserializer(serialized);
    return new ShardCommittable(
        in.readUTF(), in.readLong(), in.readUTF(), in.readUTF(), in.readUTF());
  }
}
