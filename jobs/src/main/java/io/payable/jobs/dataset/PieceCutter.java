package io.payable.jobs.dataset;

import io.payable.factory.dataset.PackingPlan;
import io.payable.factory.dataset.SequencePiece;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.Collector;

/**
 * Joins a contribution's tokens with its placement and cuts them into the pieces of the sequences
 * they land in ({@link PackingPlan#pieces}), in parallel by contribution id.
 */
final class PieceCutter
    extends ProcessWindowFunction<PieceSource, SequencePiece, String, GlobalWindow> {

  private final int seqLen;

  PieceCutter(int seqLen) {
    this.seqLen = seqLen;
  }

  @Override
  public void process(
      String id, Context ctx, Iterable<PieceSource> input, Collector<SequencePiece> out) {
    PieceSource placement = null;
    PieceSource tokens = null;
    for (PieceSource s : input) {
      if (s.isPlacement()) {
        placement = s;
      } else {
        tokens = s;
      }
    }
    if (placement == null || tokens == null) {
      throw new IllegalStateException(
          "contribution " + id + " has " + (placement == null ? "no placement" : "no tokens"));
    }
    if (tokens.tokens().length != placement.length()) {
      throw new IllegalStateException(
          "contribution "
              + id
              + " was planned with "
              + placement.length()
              + " tokens, has "
              + tokens.tokens().length);
    }
    for (PackingPlan.Piece p :
        PackingPlan.pieces(
            id, placement.offset(), placement.length(), seqLen, placement.keptTokens())) {
      out.collect(SequencePiece.cut(placement.split(), p, tokens.tokens()));
    }
  }
}
