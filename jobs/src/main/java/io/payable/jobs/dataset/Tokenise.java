package io.payable.jobs.dataset;

import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.factory.dataset.TokenizedContribution;
import io.payable.models.text.TextTokenizer;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Tokenises contributions with the base model's tokenizer, one tokenizer per parallel task. */
final class Tokenise extends RichMapFunction<Contribution, TokenizedContribution> {

  private final String baseDir;
  private transient TextTokenizer tokenizer;
  private transient ContributionTokenizer tokens;

  Tokenise(String baseDir) {
    this.baseDir = baseDir;
  }

  @Override
  public void open(OpenContext context) {
    tokenizer = TextTokenizer.load(Path.of(baseDir));
    tokens = ContributionTokenizer.of(tokenizer);
  }

  @Override
  public TokenizedContribution map(Contribution c) {
    return new TokenizedContribution(c, tokens.tokens(c.content()));
  }

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }
}
