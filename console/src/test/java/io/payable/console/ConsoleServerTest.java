package io.payable.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.contracts.deploy.Deployment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * The Console's HTTP surface without a platform behind it: pages are served from the jar, and every
 * bad request or unreachable dependency is answered as a one-line JSON error with a fitting status,
 * never a stack trace.
 */
class ConsoleServerTest {

  @TempDir static Path warehouse;
  private static ConsoleServer console;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Deployment deployment =
        new Deployment(
            Deployment.FORMAT_VERSION,
            31337,
            0,
            address(1),
            address(2),
            address(3),
            address(4),
            address(5),
            address(6),
            address(7),
            address(8),
            address(9));
    console =
        ConsoleServer.start(
            ConsoleConfig.builder()
                .port(0)
                .warehouse(warehouse.toUri().toString())
                // Nothing listens on port 9 (discard) of loopback here: the chain is unreachable.
                .rpcUrl("http://127.0.0.1:9")
                .deploymentJson(deployment.toJson())
                .bootstrapServers("127.0.0.1:9")
                .build());
  }

  @AfterAll
  static void stop() {
    console.close();
  }

  private static String address(int n) {
    return String.format("0x%040x", n);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(console.url() + path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(console.url() + path.substring(1)))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    String message = Json.MAPPER.readTree(response.body()).get("error").asText();
    assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\tat ");
    return message;
  }

  @Test
  void bindsLoopbackByDefault() {
    assertThat(console.url()).startsWith("http://127.0.0.1:");
  }

  @Test
  void servesThePagesFromTheJar() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(index.body()).contains("<script type=\"module\" src=\"/app.js\">");
    // Client-side routes are the app's index too.
    assertThat(get("/datanets").body()).isEqualTo(index.body());
    HttpResponse<String> app = get("/app.js");
    assertThat(app.statusCode()).isEqualTo(200);
    assertThat(app.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(app.body()).contains("import");
    assertThat(get("/missing.js").statusCode()).isEqualTo(404);
    assertThat(get("/..%2Fpom.xml").statusCode()).isEqualTo(404);
  }

  @Test
  void unknownApisAndMethodsAreJsonErrors() throws Exception {
    HttpResponse<String> missing = get("/api/nothing-here");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(error(missing)).contains("/api/nothing-here");
    HttpResponse<String> wrongMethod = post("/api/datanets", "{}");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    error(wrongMethod);
    HttpResponse<String> badAccount = get("/api/payouts/0x1234");
    assertThat(badAccount.statusCode()).isEqualTo(404);
  }

  @Test
  void badContributionRequestsSayWhatIsWrong() throws Exception {
    HttpResponse<String> notJson = post("/api/contributions/prepare", "not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(error(notJson)).isEqualTo("The request body is not valid JSON");
    String datanet = "0x" + "ab".repeat(32);
    HttpResponse<String> noContent =
        post(
            "/api/contributions/prepare",
            "{\"datanet_id\":\"" + datanet + "\",\"contributor\":\"" + address(5) + "\"}");
    assertThat(noContent.statusCode()).isEqualTo(400);
    assertThat(error(noContent)).isEqualTo("Missing field: content");
    HttpResponse<String> badAddress =
        post(
            "/api/contributions/prepare",
            "{\"datanet_id\":\"" + datanet + "\",\"contributor\":\"0xzz\",\"content\":\"hi\"}");
    assertThat(badAddress.statusCode()).isEqualTo(400);
    assertThat(error(badAddress)).isEqualTo("Not an address: 0xzz");
    HttpResponse<String> badSignature =
        post(
            "/api/contributions",
            "{\"datanet_id\":\""
                + datanet
                + "\",\"contributor\":\""
                + address(5)
                + "\",\"content\":\"hi\",\"nonce\":\"1\",\"timestamp\":\"2\","
                + "\"signature\":\"0x1234\"}");
    assertThat(badSignature.statusCode()).isEqualTo(400);
    assertThat(error(badSignature)).contains("signature");
  }

  @Test
  void preparesTypedDataForTheWallet() throws Exception {
    String datanet = "0x" + "ab".repeat(32);
    String content = "Call me Ishmael.";
    HttpResponse<String> r =
        post(
            "/api/contributions/prepare",
            "{\"datanet_id\":\""
                + datanet
                + "\",\"contributor\":\""
                + address(5).toUpperCase().replace("0X", "0x")
                + "\",\"content\":\""
                + content
                + "\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(r.body());
    JsonNode typed = body.get("typed_data");
    assertThat(typed.get("primaryType").asText()).isEqualTo("Contribution");
    assertThat(typed.at("/domain/name").asText()).isEqualTo("Payable Datanets");
    assertThat(typed.at("/domain/chainId").asLong()).isEqualTo(31337);
    assertThat(typed.at("/domain/verifyingContract").asText()).isEqualTo(address(6));
    assertThat(typed.at("/message/contentHash").asText()).isEqualTo(Hash.sha3String(content));
    assertThat(typed.at("/message/nonce").asText()).isEqualTo(body.get("nonce").asText());
    assertThat(body.get("contributor").asText()).isEqualTo(address(5));
  }

  @Test
  void badDepositRequestsSayWhatIsWrong() throws Exception {
    String path = "/api/consumers/" + address(5) + "/deposit";
    HttpResponse<String> fraction = post(path, "{\"amount_wei\":\"1.5\"}");
    assertThat(fraction.statusCode()).isEqualTo(400);
    assertThat(error(fraction)).isEqualTo("amount_wei must be a whole number of wei: 1.5");
    HttpResponse<String> zero = post(path, "{\"amount_wei\":\"0\"}");
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(error(zero)).isEqualTo("Deposit more than 0 OPEN.");
    HttpResponse<String> missing = post(path, "{}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(error(missing)).isEqualTo("Missing field: amount_wei");
  }

  @Test
  void onlyAConsoleHeldKeyDepositsAndWithdrawsThroughTheServer() throws Exception {
    String base = "/api/consumers/" + address(5) + "/escrow/";
    for (String op : java.util.List.of("deposit", "withdrawal", "withdraw")) {
      HttpResponse<String> r = post(base + op, "{\"amount_wei\":\"1000\"}");
      assertThat(r.statusCode()).as(op).isEqualTo(403);
      assertThat(error(r)).startsWith("This Console holds no key for " + address(5));
    }
    HttpResponse<String> fraction = post(base + "deposit", "{\"amount_wei\":\"0.5\"}");
    assertThat(fraction.statusCode()).isEqualTo(400);
    assertThat(error(fraction)).contains("positive whole number of wei");
  }

  @Test
  void emptyWarehouseReadsAsNothingYet() throws Exception {
    HttpResponse<String> r = get("/api/datanets/0x" + "ab".repeat(32) + "/contributions");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.get("total").asInt()).isZero();
    assertThat(body.get("items")).isEmpty();
    assertThat(Json.MAPPER.readTree(get("/api/attributions").body())).isEmpty();
    HttpResponse<String> unknown = get("/api/attributions/some-event");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown)).isEqualTo("No attributed event some-event");
  }

  @Test
  void unreachableChainAndMissingServicesAreOneLineErrors() throws Exception {
    HttpResponse<String> datanets = get("/api/datanets");
    assertThat(datanets.statusCode()).isEqualTo(502);
    error(datanets);
    HttpResponse<String> chat =
        post(
            "/api/chat", "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(chat.statusCode()).isEqualTo(503);
    assertThat(error(chat)).contains("--worker-url");
    HttpResponse<String> trainings = get("/api/trainings");
    assertThat(trainings.statusCode()).isEqualTo(503);
    assertThat(error(trainings)).contains("--model-factory-url");
  }

  @Test
  void claimCalldataIsTheAbiEncodingOfClaim() {
    // RewardDistributor.claim(uint256,address,uint256,bytes32[]) with rootIndex 2, account 0x..05,
    // cumulative 1000 and one sibling, encoded by ethers' Interface (outside reference).
    String data =
        ChainReads.claimCalldata(
            2,
            address(5),
            java.math.BigInteger.valueOf(1000),
            java.util.List.of("0x" + "cd".repeat(32)));
    assertThat(data).isEqualTo(CLAIM_CALLDATA);
  }

  @Test
  void depositCalldataIsTheAbiEncodingOfApproveAndDeposit() {
    // OpenToken.approve(0x..07, 123456789) and ConsumerEscrow.deposit(1 OPEN), encoded by ethers'
    // Interface (outside reference).
    assertThat(ChainReads.approveCalldata(address(7), java.math.BigInteger.valueOf(123456789)))
        .isEqualTo(
            "0x095ea7b3"
                + "0000000000000000000000000000000000000000000000000000000000000007"
                + "00000000000000000000000000000000000000000000000000000000075bcd15");
    assertThat(ChainReads.depositCalldata(java.math.BigInteger.TEN.pow(18)))
        .isEqualTo(
            "0xb6b55f25" + "0000000000000000000000000000000000000000000000000de0b6b3a7640000");
  }

  static final String CLAIM_CALLDATA =
      "0x2e7ba6ef"
          + "0000000000000000000000000000000000000000000000000000000000000002"
          + "0000000000000000000000000000000000000000000000000000000000000005"
          + "00000000000000000000000000000000000000000000000000000000000003e8"
          + "0000000000000000000000000000000000000000000000000000000000000080"
          + "0000000000000000000000000000000000000000000000000000000000000001"
          + "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
}
