package io.payable.ingest.submission;

/** What parsing one raw record gave: a well-formed submission, or a reason it is not one. */
public sealed interface ParseOutcome {

  record Parsed(Submission submission) implements ParseOutcome {}

  record Invalid(RejectionReason reason, String detail) implements ParseOutcome {}

  static ParseOutcome invalid(RejectionReason reason, String detail) {
    return new Invalid(reason, detail);
  }
}
