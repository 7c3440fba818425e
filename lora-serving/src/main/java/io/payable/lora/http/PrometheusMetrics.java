package io.payable.lora.http;

import io.payable.lora.batch.SchedulerStats;
import io.payable.lora.cache.AdapterStatus;
import io.payable.lora.cache.CacheStats;
import io.payable.lora.cache.Residency;
import io.payable.lora.metering.KafkaEventSink;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.ModelMeters;

/** Renders worker metrics in the Prometheus text exposition format. */
public final class PrometheusMetrics {
  private final LoraWorker worker;

  public PrometheusMetrics(LoraWorker worker) {
    this.worker = worker;
  }

  public String render() {
    StringBuilder b = new StringBuilder(4096);
    SchedulerStats s = worker.scheduler().stats();
    counter(b, "payable_lora_requests_completed_total", "Completed requests", s.completed());
    counter(b, "payable_lora_requests_failed_total", "Failed requests", s.failed());
    counter(b, "payable_lora_generated_tokens_total", "Generated tokens", s.generatedTokens());
    counter(b, "payable_lora_steps_total", "Forward steps", s.steps());
    counter(b, "payable_lora_step_rows_total", "Token rows over all steps", s.stepRows());
    gauge(b, "payable_lora_waiting_requests", "Requests waiting for admission", s.waiting());
    gauge(b, "payable_lora_running_requests", "Requests in the running batch", s.running());
    gauge(
        b,
        "payable_lora_step_distinct_adapters",
        "Distinct adapters in the last step",
        s.lastStepAdapters());
    CacheStats c = worker.cache().stats();
    counter(b, "payable_lora_cache_device_hits_total", "Leases served from a slot", c.deviceHits());
    counter(
        b,
        "payable_lora_cache_device_misses_total",
        "Leases that copied an adapter into a slot",
        c.deviceMisses());
    counter(b, "payable_lora_cache_cpu_misses_total", "Disk loads started", c.cpuMisses());
    counter(b, "payable_lora_cache_prefetches_total", "Disk loads from prefetch", c.prefetches());
    counter(b, "payable_lora_cache_device_evictions_total", "Slot evictions", c.deviceEvictions());
    counter(b, "payable_lora_cache_cpu_evictions_total", "CPU tier evictions", c.cpuEvictions());
    counter(b, "payable_lora_cache_load_failures_total", "Failed disk loads", c.loadFailures());
    counter(b, "payable_lora_cache_loads_total", "Completed disk loads", c.loads());
    counterD(
        b,
        "payable_lora_cache_load_seconds_total",
        "Time spent in disk loads",
        c.loadNanos() / 1e9);
    gauge(b, "payable_lora_cache_cpu_resident", "Adapters in CPU memory", c.cpuResident());
    gauge(b, "payable_lora_cache_cpu_capacity", "CPU tier capacity", c.cpuCapacity());
    gauge(b, "payable_lora_cache_device_resident", "Adapters in slots", c.deviceResident());
    gauge(b, "payable_lora_cache_device_slots", "Device slots", c.deviceCapacity());
    gauge(b, "payable_lora_cache_pinned", "Pinned adapters", c.pinned());
    b.append("# HELP payable_lora_adapter_resident Adapter residency (1 per non-disk adapter)\n");
    b.append("# TYPE payable_lora_adapter_resident gauge\n");
    for (AdapterStatus a : worker.cache().status()) {
      if (a.residency() != Residency.DISK) {
        b.append("payable_lora_adapter_resident{adapter=\"")
            .append(escape(a.id()))
            .append("\",tier=\"")
            .append(a.residency().name().toLowerCase())
            .append("\",pinned=\"")
            .append(a.pinned())
            .append("\"} 1\n");
      }
    }
    perModel(
        b,
        "payable_lora_model_requests_total",
        "Finished requests per model",
        m -> m.requests.sum());
    perModel(
        b,
        "payable_lora_model_prompt_tokens_total",
        "Prompt tokens per model",
        m -> m.promptTokens.sum());
    perModel(
        b,
        "payable_lora_model_output_tokens_total",
        "Output tokens per model",
        m -> m.outputTokens.sum());
    perModelSeconds(
        b,
        "payable_lora_model_latency_seconds_total",
        "Request latency per model",
        m -> m.latencyNanos.sum());
    perModelSeconds(
        b,
        "payable_lora_model_first_token_seconds_total",
        "Time to first token per model",
        m -> m.firstTokenNanos.sum());
    counter(b, "payable_lora_output_tokens_metered_total", "Metered tokens", worker.outputTokens());
    counterD(
        b,
        "payable_lora_fees_wei_total",
        "Fees metered in wei (float; exact values are in the events)",
        worker.feesWei().doubleValue());
    if (worker.sink() instanceof KafkaEventSink k) {
      counter(b, "payable_lora_events_sent_total", "Events acked by Kafka", k.eventsSent());
      counter(b, "payable_lora_event_batches_sent_total", "Signed batches", k.batchesSent());
      counter(b, "payable_lora_events_failed_total", "Events not delivered", k.eventsFailed());
    }
    return b.toString();
  }

  private void perModel(
      StringBuilder b, String name, String help, java.util.function.ToLongFunction<ModelMeters> f) {
    perModelSample(b, name, help, m -> Long.toString(f.applyAsLong(m)));
  }

  /** A per-model counter kept in nanoseconds, exposed in seconds as Prometheus names them. */
  private void perModelSeconds(
      StringBuilder b, String name, String help, java.util.function.ToLongFunction<ModelMeters> f) {
    perModelSample(b, name, help, m -> Double.toString(f.applyAsLong(m) / 1e9));
  }

  private void perModelSample(
      StringBuilder b,
      String name,
      String help,
      java.util.function.Function<ModelMeters, String> sample) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    worker
        .meters()
        .forEach(
            (model, m) ->
                b.append(name)
                    .append("{model=\"")
                    .append(escape(model))
                    .append("\"} ")
                    .append(sample.apply(m))
                    .append('\n'));
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static void counter(StringBuilder b, String name, String help, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    b.append(name).append(' ').append(v).append('\n');
  }

  private static void counterD(StringBuilder b, String name, String help, double v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    b.append(name).append(' ').append(v).append('\n');
  }

  private static void gauge(StringBuilder b, String name, String help, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append(name).append(' ').append(v).append('\n');
  }
}
