package io.payable.index.query;

/** A document that contains a span, with the contributor it is credited to. */
public record SpanDocument(String docId, String datanet, String contributor) {}
