package io.payable.factory.dataset;

/** A contribution's text as token ids of the base model's tokenizer (end-of-text appended). */
public record TokenizedContribution(Contribution contribution, int[] tokens) {

  public TokenizedContribution {
    tokens = tokens.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  int token(int i) {
    return tokens[i];
  }

  public int length() {
    return tokens.length;
  }
}
