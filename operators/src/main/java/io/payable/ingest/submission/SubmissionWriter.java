package io.payable.ingest.submission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** Writes submissions in the version-1 JSON format {@link SubmissionParser} reads. */
public final class SubmissionWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SubmissionWriter() {}

  public static byte[] toJson(Submission s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", Submission.FORMAT_VERSION);
    root.put("datanet_id", s.datanetIdHex());
    root.put("contributor", s.contributor());
    root.put("nonce", s.nonce().toString());
    root.put("timestamp", s.timestamp());
    root.put("content", s.content());
    s.license().ifPresent(l -> root.put("license", l));
    if (!s.metadata().isEmpty()) {
      ObjectNode metadata = root.putObject("metadata");
      s.metadata().forEach(metadata::put);
    }
    root.put("signature", Hex.encode(s.signature()));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
