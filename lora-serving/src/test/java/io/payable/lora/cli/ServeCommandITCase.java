package io.payable.lora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.models.text.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code payable serve} on the Hugging Face Llama fixture (llama2 tokenizer, GQA, tied embeddings,
 * three PEFT adapters) with a chat template file, as a user starts it: OpenAI and vLLM endpoints,
 * Server-Sent Events, adapters loaded and unloaded at run time, OpenAI error JSON, and a client
 * disconnecting mid-stream. Completions must reproduce transformers' greedy continuations.
 */
class ServeCommandITCase {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FIXTURE = "/hf/llama-gqa-tied/";
  static final String LLAMA2_CHAT =
      "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}"
          + "{{ '[INST] ' + m['content'] + ' [/INST]' }}{% else %}"
          + "{{ ' ' + m['content'] + ' ' + eos_token }}{% endif %}{% endfor %}";

  @TempDir static Path dir;
  static Process server;
  static String url;
  static JsonNode reference;
  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static void copy(String resource, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (InputStream in = ServeCommandITCase.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      Files.copy(in, to);
    }
  }

  static void copyAdapter(String id, Path to) throws IOException {
    for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
      copy(FIXTURE + "adapters/" + id + "/" + f, to.resolve(f));
    }
  }

  static Process start(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LoraMain.class.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(false).start();
  }

  @BeforeAll
  static void serve() throws Exception {
    for (String f :
        List.of(
            "config.json",
            "generation_config.json",
            "model.safetensors",
            "tokenizer.json",
            "tokenizer_config.json")) {
      copy(FIXTURE + "base/" + f, dir.resolve("llama/" + f));
    }
    copyAdapter("a-qv-r4", dir.resolve("adapters/a-qv-r4"));
    copyAdapter("b-all-r8", dir.resolve("adapters/b-all-r8"));
    copy(FIXTURE + "reference.json", dir.resolve("reference.json"));
    reference = JSON.readTree(dir.resolve("reference.json").toFile());
    Files.writeString(dir.resolve("chat.jinja"), LLAMA2_CHAT);
    Files.writeString(dir.resolve("worker.key"), "0x" + "11".repeat(32));
    server =
        start(
            List.of(
                "serve",
                "--base",
                dir.resolve("llama").toString(),
                "--adapters",
                dir.resolve("adapters").toString(),
                "--chat-template",
                dir.resolve("chat.jinja").toString(),
                "--port",
                "0",
                "--slots",
                "2",
                "--max-rank",
                "16",
                "--worker-key-file",
                dir.resolve("worker.key").toString()));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile(".* on (http://127\\.0\\.0\\.1:\\d+).*");
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = listening.matcher(line);
      if (m.matches()) {
        url = m.group(1);
        break;
      }
    }
    assertThat(url).as("the worker printed its address").isNotNull();
    // Keep reading its output so the worker never blocks on a full pipe.
    drain(server.getInputStream());
    drain(server.getErrorStream());
  }

  static void drain(InputStream in) {
    Thread t =
        new Thread(
            () -> {
              try {
                in.transferTo(java.io.OutputStream.nullOutputStream());
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode models() throws Exception {
    return JSON.readTree(
        CLIENT
            .send(
                HttpRequest.newBuilder(URI.create(url + "/v1/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  static JsonNode model(String id) throws Exception {
    for (JsonNode m : models().path("data")) {
      if (m.path("id").asText().equals(id)) {
        return m;
      }
    }
    return null;
  }

  static ObjectNode completion(String model, JsonNode prompt, int maxTokens) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", model);
    b.set("prompt", prompt);
    b.put("max_tokens", maxTokens);
    b.put("temperature", 0);
    return b;
  }

  /** The text of transformers' greedy tokens, decoded by the checkpoint's tokenizer. */
  static String greedyText(String tag, int prompt) {
    JsonNode ids = reference.at("/greedy/" + tag + "/" + prompt);
    int[] t = new int[ids.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = ids.get(i).asInt();
    }
    try (TextTokenizer tok = TextTokenizer.load(dir.resolve("llama"))) {
      return tok.decode(t, true);
    }
  }

  @Test
  void completionsReproduceTransformersGreedyContinuations() throws Exception {
    for (String tag : List.of("a-qv-r4", "b-all-r8")) {
      JsonNode prompt = reference.at("/prompts/0");
      HttpResponse<String> r = post("/v1/completions", completion(tag, prompt, 16).toString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode n = JSON.readTree(r.body());
      assertThat(n.at("/choices/0/text").asText()).isEqualTo(greedyText(tag, 0));
      assertThat(n.at("/usage/prompt_tokens").asInt()).isEqualTo(prompt.size());
      assertThat(n.at("/usage/completion_tokens").asInt()).isEqualTo(16);
      assertThat(n.at("/usage/total_tokens").asInt()).isEqualTo(prompt.size() + 16);
      assertThat(n.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }
    // The base model by its id (the checkpoint directory's name), from the prompt's text.
    HttpResponse<String> base =
        post(
            "/v1/completions",
            completion(
                    "llama",
                    JSON.getNodeFactory().textNode("The whale, the whale! Call me Ishmael."),
                    16)
                .toString());
    assertThat(JSON.readTree(base.body()).at("/choices/0/text").asText())
        .isEqualTo(greedyText("base", 0));
  }

  @Test
  void streamsAChatCompletionOverServerSentEvents() throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", "a-qv-r4");
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "user").put("content", "Call me Ishmael.");
    body.put("max_tokens", 12);
    body.put("temperature", 0);
    body.put("stream", true);
    HttpResponse<java.util.stream.Stream<String>> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/event-stream");
    List<String> data = new ArrayList<>();
    r.body()
        .filter(l -> !l.isEmpty())
        .forEach(
            l -> {
              assertThat(l).startsWith("data: ");
              data.add(l.substring(6));
            });
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    List<JsonNode> chunks = new ArrayList<>();
    for (String d : data.subList(0, data.size() - 1)) {
      chunks.add(JSON.readTree(d));
    }
    assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < chunks.size(); i++) {
      JsonNode c = chunks.get(i);
      assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(c.path("id").asText()).isEqualTo(chunks.get(0).path("id").asText());
      boolean last = i == chunks.size() - 1;
      assertThat(c.at("/choices/0/finish_reason").isNull()).as("chunk %d", i).isEqualTo(!last);
      assertThat(c.has("usage")).isEqualTo(last);
      text.append(c.at("/choices/0/delta/content").asText(""));
    }
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(12);
    // The prompt is the template's text, tokenized once: <s> [INST] ... [/INST].
    String prompt = "<s>[INST] Call me Ishmael. [/INST]";
    int promptTokens;
    try (TextTokenizer tok = TextTokenizer.load(dir.resolve("llama"))) {
      promptTokens = tok.encode(prompt, false).length;
    }
    assertThat(last.at("/usage/prompt_tokens").asInt()).isEqualTo(promptTokens);

    // Streaming and not streaming give the same text.
    body.put("stream", false);
    HttpResponse<String> whole = post("/v1/chat/completions", body.toString());
    JsonNode n = JSON.readTree(whole.body());
    assertThat(n.path("object").asText()).isEqualTo("chat.completion");
    assertThat(n.at("/choices/0/message/content").asText()).isEqualTo(text.toString());
    assertThat(n.at("/usage/completion_tokens").asInt()).isEqualTo(12);

    // With stream_options.include_usage (OpenAI's format), usage moves from the finish chunk to a
    // last chunk with no choices, which also names the event and its fee.
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    List<JsonNode> events = new ArrayList<>();
    for (String l : post("/v1/chat/completions", body.toString()).body().split("\n")) {
      if (l.startsWith("data: ") && !l.equals("data: [DONE]")) {
        events.add(JSON.readTree(l.substring(6)));
      }
    }
    JsonNode finish = events.get(events.size() - 2);
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(finish.get("usage").isNull()).isTrue();
    JsonNode trailer = events.get(events.size() - 1);
    assertThat(trailer.path("choices").isArray()).isTrue();
    assertThat(trailer.path("choices")).isEmpty();
    assertThat(trailer.path("usage")).isEqualTo(n.path("usage"));
    assertThat(trailer.at("/payable/event_id").asText()).isEqualTo(trailer.path("id").asText());
    assertThat(trailer.at("/payable/fee_wei").asText())
        .isEqualTo(n.at("/payable/fee_wei").asText());
    // stream_options belong to a stream.
    body.put("stream", false);
    HttpResponse<String> bad = post("/v1/chat/completions", body.toString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).at("/error/param").asText()).isEqualTo("stream_options");
  }

  @Test
  void loadsAndUnloadsAnAdapterAtRunTime() throws Exception {
    JsonNode prompt = reference.at("/prompts/1");
    assertThat(model("c-rslora-r16")).isNull();
    copyAdapter("c-rslora-r16", dir.resolve("adapters/c-rslora-r16"));
    HttpResponse<String> load =
        post(
            "/v1/load_lora_adapter",
            "{\"lora_name\":\"c-rslora-r16\",\"lora_path\":\"c-rslora-r16\"}");
    assertThat(load.statusCode()).as(load.body()).isEqualTo(200);
    assertThat(model("c-rslora-r16").path("residency").asText()).isIn("cpu", "device");
    HttpResponse<String> r =
        post("/v1/completions", completion("c-rslora-r16", prompt, 16).toString());
    assertThat(JSON.readTree(r.body()).at("/choices/0/text").asText())
        .isEqualTo(greedyText("c-rslora-r16", 1));
    assertThat(post("/v1/load_lora_adapter", "{\"lora_name\":\"c-rslora-r16\"}").statusCode())
        .isEqualTo(400);

    HttpResponse<String> unload =
        post("/v1/unload_lora_adapter", "{\"lora_name\":\"c-rslora-r16\"}");
    assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
    assertThat(model("c-rslora-r16")).isNull();
    assertThat(
            post("/v1/completions", completion("c-rslora-r16", prompt, 4).toString()).statusCode())
        .isEqualTo(404);
    // Outside the adapters directory: refused.
    assertThat(
            post("/v1/load_lora_adapter", "{\"lora_name\":\"x\",\"lora_path\":\"../llama\"}")
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void errorsAreOpenAiErrorJson() throws Exception {
    JsonNode prompt = reference.at("/prompts/0");
    HttpResponse<String> unknown =
        post("/v1/completions", completion("nope", prompt, 4).toString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    JsonNode e = JSON.readTree(unknown.body()).path("error");
    assertThat(e.path("code").asText()).isEqualTo("model_not_found");
    assertThat(e.path("message").asText()).contains("nope");

    ObjectNode hot = completion("a-qv-r4", prompt, 4);
    hot.put("temperature", 7);
    HttpResponse<String> bad = post("/v1/completions", hot.toString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).at("/error/type").asText())
        .isEqualTo("invalid_request_error");
    assertThat(JSON.readTree(bad.body()).at("/error/param").asText()).isEqualTo("temperature");

    ArrayNode longPrompt = JSON.createArrayNode();
    for (int i = 0; i < 250; i++) {
      longPrompt.add(415);
    }
    HttpResponse<String> tooLong =
        post("/v1/completions", completion("a-qv-r4", longPrompt, 16).toString());
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tooLong.body()).at("/error/code").asText())
        .isEqualTo("context_length_exceeded");
    assertThat(JSON.readTree(tooLong.body()).at("/error/message").asText()).contains("256");
    assertThat(post("/v1/completions", "not json").statusCode()).isEqualTo(400);
  }

  @Test
  void aClientLeavingMidStreamReleasesTheLease() throws Exception {
    ObjectNode body = completion("b-all-r8", reference.at("/prompts/0"), 220);
    body.put("stream", true);
    HttpResponse<InputStream> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    int events = 0;
    for (String line = in.readLine(); line != null && events < 2; line = in.readLine()) {
      if (line.startsWith("data: ")) {
        events++;
      }
    }
    assertThat(events).isEqualTo(2);
    in.close(); // the client goes away

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String metered = null;
    while (System.nanoTime() < deadline) {
      JsonNode m = model("b-all-r8");
      String metrics =
          CLIENT
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher tokens =
          Pattern.compile("payable_lora_model_output_tokens_total\\{model=\"b-all-r8\"} (\\d+)")
              .matcher(metrics);
      if (m.path("in_use").asInt() == 0 && tokens.find()) {
        metered = tokens.group(1);
        break;
      }
      Thread.sleep(100);
    }
    assertThat(metered).as("lease released and request metered").isNotNull();
    // Cancelled before its 220 tokens, metered for the ones it got.
    assertThat(Integer.parseInt(metered)).isBetween(2, 219);
  }

  @Test
  void aBadCheckpointIsOneLineOnTheTerminal() throws Exception {
    Path bad = dir.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(
        bad.resolve("config.json"),
        Files.readString(dir.resolve("llama/config.json")).replace("\"llama\"", "\"gpt2\""));
    Process p =
        start(
            List.of(
                "serve",
                "--base",
                bad.toString(),
                "--adapters",
                dir.resolve("adapters").toString(),
                "--worker-key-file",
                dir.resolve("worker.key").toString()));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(err.lines().filter(l -> !l.contains(" WARN ") && !l.contains(" INFO ")).toList())
        .containsExactly(
            "error: "
                + bad.resolve("config.json")
                + ": model_type gpt2 is not supported; supported: llama, mistral, qwen2, qwen3");
  }
}
