package io.payable.index.shard;

import java.util.Objects;

/** A document to index: its text plus who contributed it to which Datanet. */
public record Document(String docId, String datanet, String contributor, String text) {

  public Document {
    Objects.requireNonNull(docId, "docId");
    Objects.requireNonNull(datanet, "datanet");
    Objects.requireNonNull(contributor, "contributor");
    Objects.requireNonNull(text, "text");
  }
}
