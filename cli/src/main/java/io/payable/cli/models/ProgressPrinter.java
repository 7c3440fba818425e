package io.payable.cli.models;

import io.payable.factory.dataset.TrainingDataset;
import io.payable.factory.run.RunListener;
import io.payable.factory.run.RunPhase;
import io.payable.models.train.EvalPoint;
import io.payable.models.train.StepProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress of {@code payable models train}: on a terminal one line rewritten in place (step /
 * total, loss, tokens/s, ETA); otherwise plain lines, about twenty per run, for logs.
 */
final class ProgressPrinter implements RunListener {

  private final PrintWriter out;
  private final boolean live;
  private int stepsHere;
  private boolean lineOpen;

  ProgressPrinter(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  @Override
  public void onPhase(RunPhase phase) {
    if (phase == RunPhase.RECORDING || phase == RunPhase.REGISTERING) {
      endLine();
      out.println(phase == RunPhase.RECORDING ? "hashing and recording" : "registering on chain");
      out.flush();
    }
  }

  @Override
  public void onDataset(TrainingDataset d, int totalSteps) {
    out.printf(
        Locale.ROOT,
        "dataset: %d contributions (%d eval), %d excluded, %d sequences, %d tokens; %d steps%n",
        d.train().size() + d.eval().size(),
        d.eval().size(),
        d.source().excluded().size(),
        d.trainSequences().size(),
        d.trainTokens(),
        totalSteps);
    out.flush();
  }

  @Override
  public void onStep(StepProgress p) {
    stepsHere++;
    String line =
        String.format(
            Locale.ROOT,
            "step %d/%d  loss %.4f  %.0f tok/s  ETA %s",
            p.step(),
            p.totalSteps(),
            p.loss(),
            p.tokensPerSecond(),
            format(p.eta(stepsHere)));
    if (live) {
      out.print("\r" + line + "\u001b[K");
      lineOpen = true;
      out.flush();
    } else if (p.step() == p.totalSteps() || p.step() % Math.max(1, p.totalSteps() / 20) == 0) {
      out.println(line);
      out.flush();
    }
  }

  @Override
  public void onEval(EvalPoint point) {
    endLine();
    out.printf(Locale.ROOT, "eval at step %d: loss %.4f%n", point.step(), point.loss());
    out.flush();
  }

  void endLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
