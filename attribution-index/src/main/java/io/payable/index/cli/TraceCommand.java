package io.payable.index.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.payable.index.query.ShardedIndex;
import io.payable.index.query.Span;
import io.payable.index.query.SpanDocument;
import io.payable.index.query.SpanParams;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.scoring.ContributorScore;
import io.payable.index.scoring.V1Defaults;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code payable trace}: which indexed documents a text reproduces, and who gets credit. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description =
        "Find the maximal spans of TEXT in the index, their documents and contributors, and the"
            + " contributor scores of attribution v1.")
public final class TraceCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", required = true, description = "index directory")
  Path dir;

  @Option(
      names = "--tokenizer",
      description =
          "tokenizer to use instead of the one named in the manifests (needed for hf:PATH"
              + " indexes opened from elsewhere); its vocabulary hash must match")
  String tokenizer;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  // Defaults are the attribution job's (V1Defaults), so a trace shows what the job would pay.
  @Option(
      names = "--min-length",
      description = "shortest span in tokens (default: ${DEFAULT-VALUE}, as the job pays)")
  int minLength = V1Defaults.MIN_SPAN_TOKENS;

  @Option(
      names = "--max-occurrences",
      description =
          "drop spans occurring more often than this (default: ${DEFAULT-VALUE}, as the job pays)")
  long maxOccurrences = V1Defaults.MAX_OCCURRENCES;

  @Option(
      names = "--threshold-bps",
      description =
          "drop contributors below this share, in basis points (default: ${DEFAULT-VALUE}, as"
              + " the job pays)")
  int thresholdBps = V1Defaults.THRESHOLD_BPS;

  @Option(
      names = "--delimiter",
      description = "text of a token a span may only end with (repeatable), e.g. '.'")
  List<String> delimiters = List.of();

  @Option(names = "--show-docs", defaultValue = "3", description = "documents shown per span")
  int showDocs;

  @Parameters(index = "0", description = "text to trace (a model output)")
  String text;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ShardedIndex index = IndexCommand.open(dir, tokenizer)) {
      Set<Integer> delimiterTokens = new HashSet<>();
      for (String d : delimiters) {
        int[] t = index.tokenizer().encode(d);
        if (t.length != 1) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "delimiter '" + d + "' is not a single token");
        }
        delimiterTokens.add(t[0]);
      }
      SpanParams params =
          SpanParams.builder()
              .minLength(minLength)
              .maxOccurrences(maxOccurrences)
              .delimiters(delimiterTokens)
              .build();
      int[] tokens = index.tokenizer().encode(text);
      List<Span> spans = index.maximalSpans(tokens, params);
      List<ContributorScore> scores = new AttributionScorer(thresholdBps).score(spans);
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tokenizer", index.tokenizer().id());
        result.put(
            "parameters",
            Map.of(
                "min_span_tokens", minLength,
                "max_occurrences", maxOccurrences,
                "threshold_bps", thresholdBps));
        result.put("tokens", tokens.length);
        result.put("spans", spans);
        result.put("scores", scores);
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(result));
        return 0;
      }
      out.printf(
          "parameters: min span %d tokens, max occurrences %d, threshold %d bps%s%n",
          minLength,
          maxOccurrences,
          thresholdBps,
          paysAsTheJob()
              ? " (the attribution job's defaults; ProtocolParams on a chain may set others)"
              : "");
      out.printf("%d tokens, %d maximal span(s)%n", tokens.length, spans.size());
      for (Span s : spans) {
        out.printf(
            "%n[%d, %d) %d tokens, %d occurrence(s), %.1f nats: \"%s\"%n",
            s.start(),
            s.end(),
            s.length(),
            s.count(),
            s.informationContent(),
            s.text().replace("\n", "\\n"));
        List<SpanDocument> docs = s.documents();
        for (int i = 0; i < Math.min(showDocs, docs.size()); i++) {
          SpanDocument d = docs.get(i);
          out.printf(
              "    %s  datanet %s  contributor %s%n", d.docId(), d.datanet(), d.contributor());
        }
        if (s.documentCount() > showDocs) {
          out.printf("    ... %d more document(s)%n", s.documentCount() - showDocs);
        }
      }
      out.printf("%ncontributor scores (threshold %d bps):%n", thresholdBps);
      if (scores.isEmpty()) {
        out.println("    none: no span attributes this text");
      }
      for (ContributorScore c : scores) {
        out.printf(
            "    %-44s %6.2f%%  (%.2f nats)%n", c.contributor(), 100 * c.share(), c.rawWeight());
      }
    }
    return 0;
  }

  private boolean paysAsTheJob() {
    return minLength == V1Defaults.MIN_SPAN_TOKENS
        && maxOccurrences == V1Defaults.MAX_OCCURRENCES
        && thresholdBps == V1Defaults.THRESHOLD_BPS
        && delimiters.isEmpty();
  }
}
