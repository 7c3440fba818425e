package io.payable.index.query;

import java.util.List;

/**
 * A maximal span of a query found in the index.
 *
 * @param start token offset of the span in the query
 * @param length tokens in the span
 * @param text the span's text, decoded
 * @param count occurrences in live (not tombstoned) documents
 * @param unigramLogProb sum over the span's tokens of ln(unigram count / index tokens), at most 0
 * @param documentCount distinct live documents that contain the span
 * @param documents up to {@link SpanParams#maxDocuments()} of those documents, in index order
 */
public record Span(
    int start,
    int length,
    String text,
    long count,
    double unigramLogProb,
    int documentCount,
    List<SpanDocument> documents) {

  public Span {
    documents = List.copyOf(documents);
  }

  /** Exclusive end offset in the query. */
  public int end() {
    return start + length;
  }

  /** Information content of the span: {@code -unigramLogProb}. */
  public double informationContent() {
    return -unigramLogProb;
  }
}
