package io.payable.factory.http;

import io.payable.factory.FactoryException;
import io.payable.factory.dataset.TrainingDataset;
import io.payable.factory.run.RunListener;
import io.payable.factory.run.RunPhase;
import io.payable.factory.run.TrainingOutcome;
import io.payable.models.train.EvalPoint;
import io.payable.models.train.StepProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** One run submitted to the API: its live state, updated by the run's thread, read by requests. */
public final class TrainingJob implements RunListener {

  private final String id;
  private final Instant createdAt = Instant.now();
  private final AtomicBoolean cancelRequested = new AtomicBoolean();
  private RunPhase phase = RunPhase.QUEUED;
  private int step;
  private int totalSteps;
  private double loss = Double.NaN;
  private double tokensPerSecond;
  private long etaSeconds = -1;
  private long tokensSeen;
  private int stepsHere;
  private final List<double[]> lossCurve = new ArrayList<>();
  private final List<double[]> evalCurve = new ArrayList<>();
  private String errorReason;
  private String errorMessage;
  private TrainingOutcome outcome;

  TrainingJob(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  boolean cancelRequested() {
    return cancelRequested.get();
  }

  void requestCancel() {
    cancelRequested.set(true);
  }

  @Override
  public synchronized void onPhase(RunPhase p) {
    phase = p;
  }

  @Override
  public synchronized void onDataset(TrainingDataset dataset, int steps) {
    totalSteps = steps;
  }

  @Override
  public synchronized void onStep(StepProgress p) {
    stepsHere++;
    step = p.step();
    totalSteps = p.totalSteps();
    loss = p.loss();
    tokensPerSecond = p.tokensPerSecond();
    tokensSeen = p.tokensSeen();
    etaSeconds = p.eta(stepsHere).toSeconds();
    lossCurve.add(new double[] {p.step(), p.loss()});
  }

  @Override
  public synchronized void onEval(EvalPoint point) {
    evalCurve.add(new double[] {point.step(), point.loss()});
  }

  synchronized void failed(FactoryException e) {
    phase = RunPhase.FAILED;
    errorReason = e.reason();
    errorMessage = e.getMessage();
  }

  synchronized void cancelled() {
    phase = RunPhase.CANCELLED;
  }

  synchronized void completed(TrainingOutcome o) {
    outcome = o;
    phase = RunPhase.COMPLETED;
  }

  /** A consistent copy of the state, for one response. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(
        id,
        createdAt,
        phase,
        step,
        totalSteps,
        loss,
        tokensPerSecond,
        etaSeconds,
        tokensSeen,
        List.copyOf(lossCurve),
        List.copyOf(evalCurve),
        errorReason,
        errorMessage,
        outcome);
  }

  /** The state of a job at one moment. */
  public record Snapshot(
      String id,
      Instant createdAt,
      RunPhase phase,
      int step,
      int totalSteps,
      double loss,
      double tokensPerSecond,
      long etaSeconds,
      long tokensSeen,
      List<double[]> lossCurve,
      List<double[]> evalCurve,
      String errorReason,
      String errorMessage,
      TrainingOutcome outcome) {}
}
