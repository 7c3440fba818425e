package io.payable.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One API request: its path parameters (from the route's groups), query parameters and body.
 *
 * @param path the request path
 * @param pathParams the route's captured groups, in order
 * @param query query parameters (last one wins)
 * @param body the request body, possibly empty
 */
record Request(String path, List<String> pathParams, Map<String, String> query, byte[] body) {

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  String param(int i) {
    return pathParams.get(i);
  }

  Optional<String> query(String name) {
    String v = query.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  int intQuery(String name, int fallback, int min, int max) {
    Optional<String> v = query(name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n < min || n > max) {
        throw ApiException.badRequest(name + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a number");
    }
  }

  /** The body as a JSON object; a 400 when it is not one. */
  JsonNode json() {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("The request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw ApiException.badRequest("The request body is not valid JSON");
    }
  }

  /** A required text field of the JSON body. */
  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      throw ApiException.badRequest("Missing field: " + field);
    }
    return v.asText();
  }

  /** An optional text field of the JSON body. */
  static Optional<String> optionalText(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() || v.asText().isBlank()
        ? Optional.empty()
        : Optional.of(v.asText().trim());
  }
}
