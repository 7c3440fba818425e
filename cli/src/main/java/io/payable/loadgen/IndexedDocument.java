package io.payable.loadgen;

/** A document of the index, with the contributor credited for it. */
public record IndexedDocument(String docId, String datanetId, String contributor, String text) {}
