package io.payable.models.text;

/** One message of a chat: {@code role} (system, user, assistant, tool) and its text. */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("a message needs a role");
    }
    if (content == null) {
      throw new IllegalArgumentException("a message needs content");
    }
  }
}
