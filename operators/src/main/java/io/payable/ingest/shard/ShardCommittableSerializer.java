package io.payable.ingest.shard;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
    out.writeInt(c.supersededPaths().size());
    for (String path : c.supersededPaths()) {
      out.writeUTF(path);
    }
    return out.getCopyOfBuffer();
  }

  @Override
  public ShardCommittable deserialize(int version, byte[] serialized) throws IOException {
    if (version != 1) {
      throw new IOException("Unknown shard committable version " + version);
    }
    DataInputDeserializer in = new DataInputDeserializer(serialized);
    String datanetId = in.readUTF();
    long sequence = in.readLong();
    String shardId = in.readUTF();
    String staging = in.readUTF();
    String target = in.readUTF();
    int superseded = in.readInt();
    List<String> paths = new ArrayList<>(superseded);
    for (int i = 0; i < superseded; i++) {
      paths.add(in.readUTF());
    }
    return new ShardCommittable(datanetId, sequence, shardId, staging, target, paths);
  }
}
