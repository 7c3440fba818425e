package io.payable.models.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;

/**
 * A Hugging Face chat template ({@code chat_template} of {@code tokenizer_config.json}, or a file
 * given with {@code --chat-template}), rendered with Jinjava configured as transformers configures
 * Jinja for {@code apply_chat_template}: blocks trimmed and left-stripped, {@code raise_exception},
 * and the special tokens as variables.
 */
public final class ChatTemplate {
  private final String source;
  private final Map<String, Object> specialTokens;
  private final Jinjava jinjava;

  /** A template error: the message the template raised, or the engine's; one line. */
  public static final class ChatTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChatTemplateException(String message) {
      super(message);
    }
  }

  public ChatTemplate(String source, String bosToken, String eosToken) {
    this.source = jinjavaSyntax(source);
    this.specialTokens = new HashMap<>();
    specialTokens.put("bos_token", bosToken == null ? "" : bosToken);
    specialTokens.put("eos_token", eosToken == null ? "" : eosToken);
    this.jinjava =
        new Jinjava(
            JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withNestedInterpretationEnabled(false)
                .withElResolver(resolver())
                .withLegacyOverrides(
                    LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build());
    jinjava
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
  }

  private static ELResolver resolver() {
    CompositeELResolver r = new CompositeELResolver();
    r.add(new PythonStringMethods());
    r.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    return r;
  }

  /** A keyword argument whose value has arithmetic, e.g. {@code namespace(i=xs|length - 1)}. */
  private static final java.util.regex.Pattern KEYWORD_ARITHMETIC =
      java.util.regex.Pattern.compile(
          "(?<=[(,]\\s{0,8})(\\w+)=(?!=)([^,()=]*[-+*/][^,()=]*)(?=[,)])");

  /**
   * Jinja syntax Jinjava parses differently, rewritten to the Jinjava equivalent: the reversing
   * slice {@code [::-1]}, and keyword arguments with arithmetic, which Jinjava would otherwise
   * parse as {@code (name=value) - 1}.
   */
  static String jinjavaSyntax(String source) {
    return KEYWORD_ARITHMETIC.matcher(source.replace("[::-1]", "|reverse")).replaceAll("$1=($2)");
  }

  /** The template of a tokenizer, if it has one. */
  public static java.util.Optional<ChatTemplate> of(TextTokenizer tokenizer) {
    return tokenizer
        .chatTemplate()
        .map(
            t ->
                new ChatTemplate(
                    t, tokenizer.bosToken().orElse(null), tokenizer.eosToken().orElse(null)));
  }

  /** Called by templates to reject a conversation (e.g. roles out of order). */
  public static String raiseException(String message) {
    RAISED.set(message);
    throw new ChatTemplateException(message);
  }

  /** Jinjava wraps function errors into its own; the raised message is kept here to report it. */
  private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

  /** The prompt text of a conversation. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> ms = new ArrayList<>();
    for (ChatMessage m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      map.put("content", m.content());
      ms.add(map);
    }
    Map<String, Object> vars = new HashMap<>(specialTokens);
    vars.put("messages", ms);
    vars.put("add_generation_prompt", addGenerationPrompt);
    RenderResult r;
    RAISED.remove();
    try {
      r = jinjava.renderForResult(source, vars);
    } catch (RuntimeException e) {
      throw failure(e.getMessage());
    }
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw failure(e.getMessage());
      }
    }
    return r.getOutput();
  }

  private static ChatTemplateException failure(String message) {
    String raised = RAISED.get();
    RAISED.remove();
    return new ChatTemplateException(
        raised != null ? raised : "chat template failed: " + oneLine(message));
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
