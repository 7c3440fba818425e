package io.payable.jobs.dataset;

import io.payable.factory.dataset.DatasetEntry;
import io.payable.factory.dataset.DatasetHeader;
import io.payable.factory.dataset.DatasetPart;
import io.payable.factory.dataset.EvalSplit;
import io.payable.factory.dataset.PackingPlan;
import io.payable.factory.dataset.TrainingShards;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The one serial step of the build, over token counts only (a few dozen bytes per contribution):
 * the seeded eval split, then {@link PackingPlan} per split, emitting every contribution's
 * placement; it writes {@code contributions.jsonl} and reports it in {@link #PARTS}.
 */
final class PackingPlanner
    extends ProcessAllWindowFunction<DatasetEntry, PieceSource, GlobalWindow> {

  static final OutputTag<DatasetPart> PARTS = new OutputTag<DatasetPart>("contribution-parts") {};

  private final DatasetHeader header;
  private final String outputDir;

  PackingPlanner(DatasetHeader header, String outputDir) {
    this.header = header;
    this.outputDir = outputDir;
  }

  @Override
  public void process(Context ctx, Iterable<DatasetEntry> input, Collector<PieceSource> out)
      throws Exception {
    List<DatasetEntry> all = new ArrayList<>();
    List<String> liveIds = new ArrayList<>();
    for (DatasetEntry e : input) {
      all.add(e);
      if (!e.isExcluded()) {
        liveIds.add(e.contributionId());
      }
    }
    Set<String> eval = EvalSplit.evalIds(liveIds, header.evalFraction(), header.seed());
    List<DatasetEntry> entries = new ArrayList<>(all.size());
    for (DatasetEntry e : all) {
      entries.add(
          e.isExcluded()
              ? e
              : e.withSplit(
                  eval.contains(e.contributionId()) ? TrainingShards.EVAL : TrainingShards.TRAIN));
    }
    entries.sort(Comparator.comparing(DatasetEntry::contributionId));
    for (String split : TrainingShards.SPLITS) {
      List<PackingPlan.TokenCount> counts = new ArrayList<>();
      for (DatasetEntry e : entries) {
        if (split.equals(e.split())) {
          counts.add(new PackingPlan.TokenCount(e.contributionId(), e.tokens()));
        }
      }
      PackingPlan plan = PackingPlan.of(header.seqLen(), counts);
      for (PackingPlan.Placement p : plan.placements()) {
        out.collect(
            PieceSource.placement(
                p.contributionId(), split, p.offset(), p.length(), plan.keptTokens()));
      }
    }
    byte[] file = TrainingShards.encodeContributions(entries);
    DatasetFiles.write(outputDir, TrainingShards.CONTRIBUTIONS, file);
    for (DatasetPart part : TrainingShards.contributionParts(entries, file)) {
      ctx.output(PARTS, part);
    }
  }
}
