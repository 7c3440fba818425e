package io.payable.factory.dataset;

/**
 * Where a run of tokens of a packed sequence came from.
 *
 * @param contributionId the contribution the tokens are from
 * @param start first position in the packed sequence
 * @param length number of tokens
 * @param sourceStart position of the first token in the contribution's own token ids
 */
public record TokenSpan(String contributionId, int start, int length, int sourceStart) {

  public TokenSpan {
    if (start < 0 || length < 1 || sourceStart < 0) {
      throw new IllegalArgumentException(
          "bad span " + contributionId + " at " + start + " +" + length + " from " + sourceStart);
    }
  }
}
