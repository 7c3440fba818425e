package io.payable.sinks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;

/**
 * The writer of a sink whose effect happens only in its committer, after the checkpoint: each
 * element becomes a committable, and the committables of a checkpoint are handed over whole when it
 * is taken (the chain transactions of the anchor and root sinks).
 */
public final class BufferingCommittingWriter<IN, C> implements CommittingSinkWriter<IN, C> {

  private final Function<IN, C> toCommittable;
  private final List<C> pending = new ArrayList<>();

  public BufferingCommittingWriter(Function<IN, C> toCommittable) {
    this.toCommittable = toCommittable;
  }

  @Override
  public void write(IN element, Context context) {
    pending.add(toCommittable.apply(element));
  }

  @Override
  public Collection<C> prepareCommit() {
    List<C> out = List.copyOf(pending);
    pending.clear();
    return out;
  }

  @Override
  public void flush(boolean endOfInput) {}

  @Override
  public void close() {}
}
