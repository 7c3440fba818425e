package io.payable.lora.batch;

/** Scheduler counters and gauges. */
public record SchedulerStats(
    long steps,
    long stepRows,
    long generatedTokens,
    long completed,
    long failed,
    int waiting,
    int running,
    int lastStepAdapters,
    int peakStepAdapters) {}
