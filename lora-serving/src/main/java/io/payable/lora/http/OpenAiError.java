package io.payable.lora.http;

/**
 * An error answered as OpenAI's error JSON ({@code {"error": {"message", "type", "param",
 * "code"}}}), with its HTTP status and, for overload, a Retry-After in seconds.
 */
final class OpenAiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String type;
  final String param;
  final String code;
  final Integer retryAfterSeconds;

  OpenAiError(
      int status,
      String type,
      String param,
      String code,
      Integer retryAfterSeconds,
      String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static OpenAiError badRequest(String param, String message) {
    return new OpenAiError(400, "invalid_request_error", param, null, null, message);
  }

  static OpenAiError modelNotFound(String message) {
    return new OpenAiError(404, "invalid_request_error", "model", "model_not_found", null, message);
  }
}
