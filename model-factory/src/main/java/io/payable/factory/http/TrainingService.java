package io.payable.factory.http;

import io.payable.factory.FactoryException;
import io.payable.factory.run.ModelFactory;
import io.payable.factory.run.TrainingRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs submitted trainings one after another on a single thread (the engine trains one run at a
 * time per process) and keeps their state for the API. State lives for the server's lifetime;
 * finished runs stay in {@code model_trainings}.
 */
public final class TrainingService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingService.class);

  private final ModelFactory factory;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "model-factory-runs");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, TrainingJob> jobs = new LinkedHashMap<>();

  public TrainingService(ModelFactory factory) {
    this.factory = factory;
  }

  /** Queues a run; its request has been checked for what can be checked without reading data. */
  public synchronized TrainingJob submit(TrainingRequest request) {
    String id = request.runId() == null ? ModelFactory.newRunId() : request.runId();
    if (jobs.containsKey(id) && !jobs.get(id).snapshot().phase().finished()) {
      throw new FactoryException("run_exists", "run " + id + " is already running");
    }
    TrainingJob job = new TrainingJob(id);
    jobs.put(id, job);
    TrainingRequest withId =
        new TrainingRequest(
            request.baseDir(),
            request.baseModelId(),
            request.datanetIds(),
            request.adapterName(),
            request.config(),
            request.epochs(),
            request.evalFraction(),
            request.method(),
            request.pricePerToken(),
            id);
    executor.execute(() -> run(job, withId));
    return job;
  }

  private void run(TrainingJob job, TrainingRequest request) {
    if (job.cancelRequested()) {
      job.cancelled();
      return;
    }
    try {
      job.completed(factory.train(request, job, job::cancelRequested));
    } catch (CancellationException e) {
      job.cancelled();
    } catch (FactoryException e) {
      job.failed(e);
    } catch (RuntimeException e) {
      LOG.warn("Run {} failed", job.id(), e);
      job.failed(new FactoryException("internal_error", String.valueOf(e.getMessage()), e));
    }
  }

  public synchronized Optional<TrainingJob> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  public synchronized List<TrainingJob> jobs() {
    return new ArrayList<>(jobs.values());
  }

  /** Asks a run to stop; it stops at its next micro-batch, keeping its checkpoints. */
  public synchronized Optional<TrainingJob> cancel(String id) {
    TrainingJob job = jobs.get(id);
    if (job != null) {
      job.requestCancel();
    }
    return Optional.ofNullable(job);
  }

  @Override
  public void close() {
    synchronized (this) {
      jobs.values().forEach(TrainingJob::requestCancel);
    }
    executor.shutdown();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
