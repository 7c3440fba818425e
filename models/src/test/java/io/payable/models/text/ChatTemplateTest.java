package io.payable.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The llama3 and qwen3 chat templates render the prompts Jinja2 renders under transformers'
 * settings ({@code chat/chat_templates.json}, made by {@code chat/make_chat_fixtures.py}).
 */
class ChatTemplateTest {

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "qwen3"})
  void promptsMatchJinja2(String name) throws IOException {
    JsonNode rows =
        new ObjectMapper()
            .readTree(TextTokenizerTest.resource("/chat/chat_templates.json").toFile())
            .get(name);
    try (TextTokenizer tok = TextTokenizer.load(TextTokenizerTest.tokenizerDir(name))) {
      ChatTemplate template = ChatTemplate.of(tok).orElseThrow();
      assertThat(rows).hasSize(6);
      for (JsonNode row : rows) {
        List<ChatMessage> messages = new ArrayList<>();
        row.get("messages")
            .forEach(
                m ->
                    messages.add(
                        new ChatMessage(m.get("role").asText(), m.get("content").asText())));
        assertThat(template.render(messages, row.get("add_generation_prompt").asBoolean()))
            .as("%s %s", name, row.get("messages"))
            .isEqualTo(row.get("prompt").asText());
      }
    }
  }

  @Test
  void raiseExceptionRejectsTheConversation() {
    ChatTemplate t =
        new ChatTemplate(
            "{% if messages[0]['role'] != 'user' %}"
                + "{{ raise_exception('Conversations must start with the user') }}"
                + "{% endif %}{{ bos_token }}{{ messages[0].content }}",
            "<s>", "</s>");
    assertThat(t.render(List.of(new ChatMessage("user", "hi")), true)).isEqualTo("<s>hi");
    assertThatThrownBy(() -> t.render(List.of(new ChatMessage("assistant", "hi")), true))
        .isInstanceOf(ChatTemplate.ChatTemplateException.class)
        .hasMessage("Conversations must start with the user");
  }
}
