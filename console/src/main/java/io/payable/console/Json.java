package io.payable.console;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Console's one JSON mapper. Money travels as decimal strings, never as JSON numbers. */
final class Json {

  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
