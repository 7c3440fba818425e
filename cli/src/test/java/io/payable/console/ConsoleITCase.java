package io.payable.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.payable.attribution.sink.AttributionTables;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.ConsumerEscrow;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.SettlementTables;
import io.payable.up.EmbeddedStack;
import io.payable.up.demo.DemoCycle;
import io.payable.up.demo.DemoPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * The Console in a real headless Chromium against the whole embedded platform (the demo cycle of
 * {@code payable up}): a contributor signs a contribution in the browser wallet and sees it
 * accepted and anchored, a duplicate rejected with its reason; an adapter trained on it in the
 * ModelFactory page (its loss curve growing), published, answers in the chat playground; the trace
 * of that answer shows its spans, shares and exact split; after settlement the payouts page shows
 * that epoch's amount and a Claim sent through the wallet pays it on anvil; the Consumers page
 * shows spend per epoch and deposits through the wallet into ConsumerEscrow. Screenshots of every
 * page at 1280x800 and 390x844 go to target/console-screenshots.
 *
 * <p>The wallet is an EIP-1193 provider injected into every page that forwards to anvil, which
 * signs with the development key of the chosen account.
 */
class ConsoleITCase {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleITCase.class);
  private static final Path SCREENSHOTS = Paths.get("target", "console-screenshots");

  /** The name {@code payable up} gives its random-weight base model. */
  private static final String BASE_MODEL = "random-llama-4x128";

  /** Training steps of the chorus adapter: enough to learn it, few enough to stay quick. */
  private static final int STEPS = 60;

  @Test
  void contributeTraceAndClaimInTheBrowser(@TempDir Path dir) throws Exception {
    boolean required = "true".equals(System.getenv("PAYABLE_REQUIRE_CHROMIUM"));
    if (required) {
      assertThat(HeadlessChromium.installed()).as("chromium and chromedriver installed").isTrue();
    }
    assumeTrue(HeadlessChromium.installed(), "Debian chromium and chromium-driver not installed");

    StringWriter demoOutput = new StringWriter();
    try (EmbeddedStack stack = EmbeddedStack.start(dir, 4);
        DemoCycle cycle =
            new DemoCycle(
                stack,
                new PrintWriter(demoOutput, true),
                // One demo Datanet and adapter: the pages need one, and training is the set-up's
                // slowest part on a loaded machine.
                DemoPlan.defaults(Duration.ofSeconds(8))
                    .withDatanets(List.of("moby-dick"))
                    .withTrainingSteps(20),
                null)) {
      cycle.start();
      String deploymentJson = Files.readString(cycle.deploymentFile());
      Deployment deployment = Deployment.fromJson(deploymentJson);
      ConsoleConfig config =
          ConsoleConfig.builder()
              .port(0)
              .warehouse(stack.warehouse().location())
              .rpcUrl(stack.chain().rpcUrl())
              .deploymentJson(deploymentJson)
              .bootstrapServers(stack.kafka().bootstrapServers())
              .workerUrl(cycle.workerUrl())
              .modelFactoryUrl(cycle.modelFactoryUrl())
              .playgroundConsumerKey(cycle.playgroundConsumerKey())
              .build();
      String contributor = stack.chain().account(1).address().toLowerCase();
      String wallet =
          new String(
                  ConsoleITCase.class.getResourceAsStream("test-wallet.js").readAllBytes(),
                  StandardCharsets.UTF_8)
              .replace("__RPC_URL__", stack.chain().rpcUrl())
              .replace("__ACCOUNT__", contributor);
      try (ConsoleServer console = ConsoleServer.start(config);
          HeadlessChromium browser = HeadlessChromium.start(wallet, SCREENSHOTS)) {
        WebDriver d = browser.driver;
        String base = console.url();

        // Datanets: the demo's Datanet fills up with accepted contributions.
        d.get(base + "#/datanets");
        awaitAfterReloads(
            d,
            () ->
                d.findElements(By.cssSelector("#datanets tbody tr")).size() == 1 && datanetRows(d),
            Duration.ofSeconds(90));
        browser.screenshots("datanets");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // A Datanet of one chorus, created on chain by the wallet's account: the adapter trained
        // on it below learns to sing it (a repeated token is what a random-weight base learns in a
        // few dozen steps), so its answers are attributable to this contribution.
        Web3j web3j = stack.chain().newClient();
        String chorusDatanet = createDatanet(stack, deployment, web3j, 1, "console-chorus");

        // Contribute with the wallet -> accepted, visible in the table, then anchored.
        d.get(base + "#/datanets/" + chorusDatanet);
        await(d, () -> !d.findElements(By.id("contribute-form")).isEmpty(), Duration.ofSeconds(20));
        String verse = "Chorus of the capstan shanty, sung by the whole crew:";
        String text = verse + " la".repeat(300);
        contribute(d, text);
        await(d, () -> status(d).equals("accepted"), Duration.ofSeconds(60));
        String id = d.findElement(By.id("contribution-id")).getText();
        List<Record> accepted = PlatformIo.rows(stack.warehouse(), IngestTables.CONTRIBUTIONS);
        Record row =
            accepted.stream()
                .filter(r -> id.equals(r.getField("contribution_id")))
                .findFirst()
                .orElseThrow();
        assertThat(row.getField("contributor")).isEqualTo(contributor);
        assertThat(row.getField("datanet_id")).isEqualTo(chorusDatanet);
        assertThat(row.getField("license")).isEqualTo("CC-BY-4.0");
        await(d, () -> !d.findElements(By.id("anchor-proof")).isEmpty(), Duration.ofSeconds(60));
        assertThat(d.findElement(By.id("anchor-proof")).getText()).contains("anchored");
        d.findElement(By.name("q")).sendKeys(id.substring(2, 14));
        d.findElement(By.cssSelector("form[role=search] button")).click();
        await(
            d,
            () ->
                d.findElements(By.cssSelector("#contributions tbody tr")).size() == 1
                    && d.findElement(By.id("page-info")).getText().contains("· 1 contribution"),
            Duration.ofSeconds(20));
        browser.screenshots("datanet-contributed");

        // The same text again: rejected by the ingest job, with its reason on the page.
        contribute(d, text);
        await(d, () -> status(d).equals("rejected"), Duration.ofSeconds(60));
        assertThat(d.findElement(By.id("rejection-reason")).getText())
            .contains("duplicate_content");
        browser.screenshots("datanet-rejected");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // ModelFactory: train an adapter on the chorus Datanet; the loss curve grows while it runs.
        d.get(base + "#/models");
        await(
            d,
            () -> "models".equals(page(d)) && !d.findElements(By.id("training-form")).isEmpty(),
            Duration.ofSeconds(20));
        d.findElement(By.name("base")).sendKeys(BASE_MODEL);
        d.findElement(By.name("name")).sendKeys("chorus-v1");
        d.findElement(By.cssSelector("input[name=datanet][value='" + chorusDatanet + "']")).click();
        d.findElement(By.cssSelector("#training-form details summary")).click();
        Map<String, String> hyper =
            Map.of(
                "rank",
                "8",
                "lr",
                "0.01",
                "steps",
                String.valueOf(STEPS),
                "batch",
                "2",
                "seq_len",
                "64",
                "eval_fraction",
                "0");
        for (Map.Entry<String, String> e : hyper.entrySet()) {
          WebElement input =
              d.findElement(By.cssSelector("#training-form input[name=" + e.getKey() + "]"));
          input.clear();
          input.sendKeys(e.getValue());
        }
        browser.screenshots("models");
        d.findElement(By.id("start-training")).click();
        await(
            d,
            () ->
                d.getCurrentUrl().contains("#/models/")
                    && !d.findElements(By.id("loss-chart")).isEmpty(),
            Duration.ofSeconds(20));
        java.util.SortedSet<Integer> curveSizes = new java.util.TreeSet<>();
        await(
            d,
            () -> {
              curveSizes.add(
                  Integer.parseInt(d.findElement(By.id("loss-chart")).getAttribute("data-points")));
              return d.findElement(By.id("training-status")).getText().equals("completed");
            },
            Duration.ofSeconds(180));
        curveSizes.add(
            Integer.parseInt(d.findElement(By.id("loss-chart")).getAttribute("data-points")));
        assertThat(curveSizes.last()).isEqualTo(STEPS);
        assertThat(curveSizes.subSet(1, STEPS)).as("curve sizes seen while training").isNotEmpty();
        assertThat(d.findElements(By.cssSelector("#loss-chart svg polyline, #loss-chart svg path")))
            .isNotEmpty();
        assertThat(d.findElement(By.id("manifest")).getText()).contains("chorus-v1");
        // Registered on chain, trained on the chorus Datanet.
        AdapterRegistry registry =
            new AdapterRegistry(
                ModelRegistry.load(
                    deployment.modelRegistry(),
                    web3j,
                    new ReadonlyTransactionManager(web3j, contributor),
                    new DefaultGasProvider()));
        assertThat(
                registry.read(AdapterRegistry.registryKey("chorus-v1")).orElseThrow().datanetIds())
            .containsExactly(chorusDatanet);
        browser.screenshots("models-trained");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Publish: the worker serves it at once.
        d.findElement(By.id("publish")).click();
        await(
            d,
            () -> !d.findElements(By.cssSelector("#publish-status [data-published]")).isEmpty(),
            Duration.ofSeconds(60));
        assertThat(workerModels(cycle.workerUrl())).contains("chorus-v1");

        // The chat playground streams the adapter's answer, paid with the playground consumer's
        // voucher: the chorus it learned, continuing the verse.
        assertThat(d.findElement(By.name("model")).getAttribute("value")).isEqualTo("chorus-v1");
        d.findElement(By.name("prompt")).sendKeys(verse);
        WebElement temperature = d.findElement(By.name("temperature"));
        temperature.clear();
        temperature.sendKeys("0");
        d.findElement(By.cssSelector("#chat button[type=submit]")).click();
        await(
            d,
            () ->
                !d.findElements(By.cssSelector("#chat-log [data-answer=done]")).isEmpty()
                    || !d.findElement(By.id("message")).getText().isEmpty(),
            Duration.ofSeconds(90));
        assertThat(d.findElement(By.id("message")).getText()).isEmpty();
        String answer =
            d.findElement(By.cssSelector("#chat-log [data-answer=done] > span")).getText();
        assertThat(answer).contains("la la la la la la la la");
        // It streamed: the page grew the answer over several network reads, a chunk at a time,
        // and then showed the charge the worker put in the last chunk.
        WebElement streamed = d.findElement(By.cssSelector("#chat-log [data-answer=done]"));
        assertThat(Integer.parseInt(streamed.getAttribute("data-reads"))).isGreaterThan(1);
        assertThat(Integer.parseInt(streamed.getAttribute("data-chunks")))
            .isGreaterThanOrEqualTo(Integer.parseInt(streamed.getAttribute("data-reads")));
        WebElement charge = streamed.findElement(By.cssSelector(".charge"));
        String chargedWei = charge.getAttribute("data-fee-wei");
        String chargedEvent = charge.getAttribute("data-event");
        assertThat(new BigInteger(chargedWei)).isPositive();
        assertThat(charge.getText()).startsWith("Charged ").contains(" OPEN for ");
        browser.screenshots("models-chat");

        // A Console without a playground consumer shows the paying worker's refusal in one line.
        ConsoleConfig unpaidConfig =
            ConsoleConfig.builder()
                .port(0)
                .warehouse(stack.warehouse().location())
                .rpcUrl(stack.chain().rpcUrl())
                .deploymentJson(deploymentJson)
                .bootstrapServers(stack.kafka().bootstrapServers())
                .workerUrl(cycle.workerUrl())
                .build();
        try (ConsoleServer unpaid = ConsoleServer.start(unpaidConfig)) {
          var refused =
              java.net.http.HttpClient.newHttpClient()
                  .send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create(unpaid.url()).resolve("/api/chat"))
                          .header("Content-Type", "application/json")
                          .POST(
                              java.net.http.HttpRequest.BodyPublishers.ofString(
                                  "{\"model\":\"chorus-v1\",\"max_tokens\":8,\"messages\":"
                                      + "[{\"role\":\"user\",\"content\":\"la la\"}]}"))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString());
          assertThat(refused.statusCode()).isEqualTo(402);
          assertThat(
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(refused.body())
                      .path("error")
                      .asText())
              .contains("serves paid requests only")
              .doesNotContain("\n");
        }

        // The trace of that answer: its spans are the chorus, credited to the contributor.
        d.findElement(By.cssSelector("#chat-log .trace-answer")).click();
        await(
            d,
            () ->
                d.getCurrentUrl().contains("#/trace/")
                    && "trace".equals(page(d))
                    && !d.findElements(By.id("split")).isEmpty(),
            Duration.ofSeconds(120));
        String chatEvent =
            java.net.URLDecoder.decode(
                d.getCurrentUrl().substring(d.getCurrentUrl().indexOf("#/trace/") + 8),
                StandardCharsets.UTF_8);
        assertThat(chargedEvent).isEqualTo(chatEvent);
        assertThat(d.findElement(By.id("output")).getText()).isEqualTo(answer);
        assertThat(d.findElements(By.cssSelector("#output .span"))).isNotEmpty();
        List<Record> chatSplit =
            PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
                .filter(r -> chatEvent.equals(r.getField("event_id")))
                .toList();
        Record chatShare =
            chatSplit.stream()
                .filter(r -> contributor.equals(r.getField("recipient")))
                .filter(r -> "contributor".equals(r.getField("role")))
                .findFirst()
                .orElseThrow();
        BigInteger chatAmount = ((BigDecimal) chatShare.getField("amount_wei")).toBigIntegerExact();
        assertThat(chatAmount).isPositive();
        // A paid completion: the playground consumer's voucher paid for it.
        assertThat(chatShare.getField("consumer"))
            .isEqualTo(cycle.playgroundConsumer().toLowerCase());
        assertThat(
                d.findElements(By.cssSelector("#shares [data-contributor='" + contributor + "']")))
            .hasSize(1);
        assertThat(d.findElement(By.id("split-total")).getText())
            .isEqualTo(((BigDecimal) chatShare.getField("fee_wei")).toBigIntegerExact().toString())
            .isEqualTo(chargedWei);
        browser.screenshots("trace-answer");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Trace: any attributed event with spans; the page's split is the table's, to the wei.
        d.get(base + "#/trace");
        awaitAfterReloads(
            d,
            () -> attributedEventRow(d, eventsWithSpans(stack)) != null,
            Duration.ofSeconds(120));
        browser.screenshots("trace-list");
        WebElement eventRow = attributedEventRow(d, eventsWithSpans(stack));
        String eventId = eventRow.getAttribute("data-event");
        eventRow.findElement(By.tagName("a")).click();
        await(d, () -> !d.findElements(By.id("split")).isEmpty(), Duration.ofSeconds(20));
        List<Record> split =
            PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
                .filter(r -> eventId.equals(r.getField("event_id")))
                .toList();
        BigDecimal fee = (BigDecimal) split.get(0).getField("fee_wei");
        assertThat(d.findElement(By.id("split-total")).getText())
            .isEqualTo(fee.toBigIntegerExact().toString());
        assertThat(d.findElements(By.cssSelector("#split tbody tr[data-role]")))
            .hasSize(split.size());
        long contributorsCredited =
            split.stream().filter(r -> "contributor".equals(r.getField("role"))).count();
        assertThat(d.findElements(By.cssSelector("#shares [data-contributor]")))
            .hasSize((int) contributorsCredited);
        List<WebElement> spans = d.findElements(By.cssSelector("#output .span"));
        assertThat(spans).isNotEmpty();
        spans.get(0).click();
        await(
            d,
            () -> !d.findElements(By.cssSelector("#span-contributors li")).isEmpty(),
            Duration.ofSeconds(5));
        for (WebElement li : d.findElements(By.cssSelector("#span-contributors li"))) {
          assertThat(li.getText()).matches("0x[0-9a-f]{40}");
        }
        browser.screenshots("trace-event");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Pasting that output finds an attributed event with exactly that output.
        String output = d.findElement(By.id("output")).getText();
        d.get(base + "#/trace");
        await(d, () -> "trace".equals(page(d)), Duration.ofSeconds(30));
        ((org.openqa.selenium.JavascriptExecutor) d)
            .executeScript(
                "arguments[0].value = arguments[1]", d.findElement(By.name("output")), output);
        d.findElement(By.id("find-output")).click();
        await(
            d,
            () ->
                d.getCurrentUrl().contains("#/trace/")
                    && "trace".equals(page(d))
                    && !d.findElements(By.id("output")).isEmpty(),
            Duration.ofSeconds(30));
        assertThat(d.findElement(By.id("output")).getText()).isEqualTo(output);

        // The demo adapter is attributed by the hybrid method: an event of it with top training
        // examples shows them as attribution_influences holds them, best first.
        List<Record> influences =
            PlatformIo.rows(stack.warehouse(), AttributionTables.INFLUENCES).stream()
                .sorted(
                    java.util.Comparator.comparing((Record r) -> (String) r.getField("event_id"))
                        .thenComparing(r -> (Integer) r.getField("rank"))
                        .thenComparing(r -> (String) r.getField("contribution_id")))
                .toList();
        assertThat(influences).as("rows in attribution_influences").isNotEmpty();
        String hybridEvent = (String) influences.get(0).getField("event_id");
        List<String> expected =
            influences.stream()
                .filter(r -> hybridEvent.equals(r.getField("event_id")))
                .map(r -> r.getField("contribution_id") + " " + r.getField("contributor"))
                .toList();
        d.get(base + "#/trace/" + hybridEvent);
        await(
            d,
            () ->
                "trace".equals(page(d))
                    && d.findElement(By.cssSelector("#main > p.mono")).getText().equals(hybridEvent)
                    && !d.findElements(By.id("influences")).isEmpty(),
            Duration.ofSeconds(20));
        assertThat(d.findElement(By.id("method")).getText()).isEqualTo("hybrid");
        assertThat(
                d.findElements(By.cssSelector("#influences tbody tr")).stream()
                    .map(
                        tr ->
                            tr.getAttribute("data-contribution")
                                + " "
                                + tr.getAttribute("data-contributor"))
                    .toList())
            .isEqualTo(expected);
        browser.screenshots("trace-influences");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Payouts: once the epoch of the chat's answer is settled under an active root, the
        // contributor's page shows that epoch's amount, and Claim through the wallet pays exactly
        // the cumulative total on chain.
        long chatEpoch = (Long) chatShare.getField("epoch");
        BigInteger epochAmount =
            awaitActiveEpoch(stack, deployment, contributor, chatEpoch, Duration.ofSeconds(150));
        assertThat(epochAmount).isGreaterThanOrEqualTo(chatAmount);
        d.get(base + "#/payouts/" + contributor);
        d.navigate().refresh();
        await(d, () -> d.findElements(By.id("claim")).size() == 1, Duration.ofSeconds(30));
        assertThat(
                d.findElement(
                        By.cssSelector("#epochs tr[data-epoch='" + chatEpoch + "'] td[data-wei]"))
                    .getAttribute("data-wei"))
            .isEqualTo(epochAmount.toString());
        WebElement claim = d.findElement(By.id("claim"));
        assertThat(claim.isEnabled()).isTrue();
        // What the page offers to claim is a cumulative total settlement wrote for this account.
        BigInteger offered = new BigInteger(claim.getAttribute("data-cumulative-wei"));
        assertThat(
                PlatformIo.rows(stack.warehouse(), SettlementTables.EPOCH_REWARDS).stream()
                    .filter(r -> contributor.equals(r.getField("account")))
                    .filter(r -> (Long) r.getField("epoch") >= chatEpoch)
                    .map(r -> ((BigDecimal) r.getField("cumulative_wei")).toBigIntegerExact()))
            .contains(offered);
        assertThat(d.findElement(By.id("claimable")).getAttribute("data-wei"))
            .isEqualTo(offered.toString());
        assertThat(d.findElement(By.id("claimed")).getAttribute("data-wei")).isEqualTo("0");
        browser.screenshots("payouts");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();
        OpenToken token =
            OpenToken.load(
                deployment.openToken(),
                web3j,
                new ReadonlyTransactionManager(web3j, contributor),
                new DefaultGasProvider());
        BigInteger before = token.balanceOf(contributor).send();
        d.findElement(By.id("claim")).click();
        await(
            d,
            () ->
                d.findElement(By.id("claim-status")).getText().startsWith("Claimed in transaction"),
            Duration.ofSeconds(60));
        // Exactly what was offered reached the account, on chain.
        assertThat(token.balanceOf(contributor).send().subtract(before)).isEqualTo(offered);
        RewardDistributor distributor =
            RewardDistributor.load(
                deployment.rewardDistributor(),
                web3j,
                new ReadonlyTransactionManager(web3j, contributor),
                new DefaultGasProvider());
        assertThat(distributor.claimed(contributor).send()).isEqualTo(offered);
        // The page shows it (a newer root may meanwhile make more claimable).
        await(
            d,
            () ->
                d.findElement(By.id("claimed")).getAttribute("data-wei").equals(offered.toString()),
            Duration.ofSeconds(20));
        browser.screenshots("payouts-claimed");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Consumers: the playground consumer paid for the chat's answer; its spend in that epoch
        // is the fees of its attributed events, the answer's among them.
        String playground = cycle.playgroundConsumer().toLowerCase();
        d.get(base + "#/consumers/" + playground);
        By spendOfChatEpoch = By.cssSelector("#spend tbody tr[data-epoch='" + chatEpoch + "']");
        await(
            d,
            () -> "consumers".equals(page(d)) && !d.findElements(spendOfChatEpoch).isEmpty(),
            Duration.ofSeconds(30));
        Map<String, BigDecimal> feeOfEvent = new java.util.HashMap<>();
        PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
            .filter(r -> playground.equals(r.getField("consumer")))
            .filter(r -> (Long) r.getField("epoch") == chatEpoch)
            .forEach(
                r ->
                    feeOfEvent.put(
                        (String) r.getField("event_id"), (BigDecimal) r.getField("fee_wei")));
        assertThat(feeOfEvent).containsKey(chatEvent);
        assertThat(
                d.findElement(spendOfChatEpoch)
                    .findElement(By.cssSelector("td[data-wei]"))
                    .getAttribute("data-wei"))
            .isEqualTo(
                feeOfEvent.values().stream()
                    .reduce(BigDecimal.ZERO, BigDecimal::add)
                    .toBigIntegerExact()
                    .toString());

        // The contributor deposits part of its claim into its own escrow account through the
        // wallet (approve, then deposit); a deposit beyond its wallet is refused.
        d.get(base + "#/consumers/" + contributor);
        await(
            d,
            () -> "consumers".equals(page(d)) && !d.findElements(By.id("deposit-form")).isEmpty(),
            Duration.ofSeconds(30));
        ConsumerEscrow escrow =
            ConsumerEscrow.load(
                deployment.consumerEscrow(),
                web3j,
                new ReadonlyTransactionManager(web3j, contributor),
                new DefaultGasProvider());
        BigInteger escrowBefore = escrow.balanceOf(contributor).send();
        WebElement amount = d.findElement(By.name("deposit"));
        amount.sendKeys(
            new BigDecimal(token.balanceOf(contributor).send().add(BigInteger.ONE), 18)
                .toPlainString());
        d.findElement(By.id("deposit")).click();
        await(
            d,
            () -> d.findElement(By.id("message")).getText().contains("cannot deposit"),
            Duration.ofSeconds(20));
        BigInteger deposit = offered.divide(BigInteger.TWO);
        amount = d.findElement(By.name("deposit"));
        amount.clear();
        amount.sendKeys(new BigDecimal(deposit, 18).toPlainString());
        d.findElement(By.id("deposit")).click();
        await(
            d,
            () -> d.findElement(By.id("deposit-status")).getText().startsWith("Deposited"),
            Duration.ofSeconds(60));
        assertThat(escrow.balanceOf(contributor).send().subtract(escrowBefore)).isEqualTo(deposit);
        assertThat(d.findElement(By.id("escrow-balance")).getAttribute("data-wei"))
            .isEqualTo(escrowBefore.add(deposit).toString());
        assertThat(d.findElement(By.id("message")).isDisplayed()).isFalse();
        browser.screenshots("consumers");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // The playground consumer's key is the Console's: its page deposits and starts a
        // withdrawal through the server, no wallet involved.
        d.get(base + "#/consumers/" + playground);
        await(
            d,
            () -> "consumers".equals(page(d)) && !d.findElements(By.id("held-form")).isEmpty(),
            Duration.ofSeconds(30));
        assertThat(d.findElements(By.id("deposit-form"))).isEmpty();
        BigInteger heldBefore = escrow.balanceOf(playground).send();
        submitHeldForm(d, "1.5", "held-deposit", "Deposited .* in transaction 0x.*");
        BigInteger oneAndHalf = new BigInteger("1500000000000000000");
        assertThat(escrow.balanceOf(playground).send()).isEqualTo(heldBefore.add(oneAndHalf));
        assertThat(d.findElement(By.id("escrow-balance")).getAttribute("data-wei"))
            .isEqualTo(heldBefore.add(oneAndHalf).toString());
        submitHeldForm(
            d, "0.5", "held-withdrawal", "Withdrawal requested for .* in transaction 0x.*");
        BigInteger half = new BigInteger("500000000000000000");
        assertThat(escrow.accountOf(playground).send().withdrawalAmount).isEqualTo(half);
        assertThat(d.findElement(By.id("escrow-withdrawal")).getAttribute("data-wei"))
            .isEqualTo(half.toString());
        assertThat(d.findElements(By.id("held-withdraw"))).hasSize(1);
        assertThat(d.findElement(By.id("message")).isDisplayed()).isFalse();
        browser.screenshots("consumers-held");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();
        web3j.shutdown();
      } finally {
        LOG.info("demo output:\n{}", demoOutput);
      }
    }
  }

  private static void contribute(WebDriver d, String text) {
    WebElement content = d.findElement(By.name("content"));
    content.clear();
    content.sendKeys(text);
    d.findElement(By.id("contribute")).click();
  }

  /**
   * Enters {@code amount} OPEN in the Console-held escrow form, presses {@code buttonId} and waits
   * for the server's transaction to be reported in the form's status line.
   */
  private static void submitHeldForm(
      WebDriver d, String amount, String buttonId, String statusPattern) {
    WebElement field = d.findElement(By.name("held-amount"));
    field.clear();
    field.sendKeys(amount);
    d.findElement(By.id(buttonId)).click();
    await(
        d,
        () -> d.findElement(By.id("held-status")).getText().matches(statusPattern),
        Duration.ofSeconds(60));
  }

  private static String status(WebDriver d) {
    List<WebElement> badges = d.findElements(By.cssSelector("#contribution-status [data-status]"));
    return badges.isEmpty() ? "" : badges.get(0).getAttribute("data-status");
  }

  private static String page(WebDriver d) {
    WebElement main = d.findElement(By.id("main"));
    return "false".equals(main.getAttribute("aria-busy")) ? main.getAttribute("data-page") : null;
  }

  /** Every Datanet row shows accepted contributions and at least one shard. */
  private static boolean datanetRows(WebDriver d) {
    for (WebElement row : d.findElements(By.cssSelector("#datanets tbody tr"))) {
      List<WebElement> cells = row.findElements(By.tagName("td"));
      if (cells.get(1).getText().equals("0") || cells.get(4).getText().equals("0")) {
        return false;
      }
    }
    return true;
  }

  /** The first listed event that credits contributors and is one of {@code events}. */
  private static WebElement attributedEventRow(WebDriver d, java.util.Set<String> events) {
    for (WebElement row : d.findElements(By.cssSelector("#events tbody tr"))) {
      String contributors = row.findElements(By.tagName("td")).get(4).getText();
      if (contributors.matches("[1-9][0-9]*") && events.contains(row.getAttribute("data-event"))) {
        return row;
      }
    }
    return null;
  }

  /** Events with at least one row in attribution_spans. */
  private static java.util.Set<String> eventsWithSpans(EmbeddedStack stack) {
    java.util.Set<String> out = new java.util.HashSet<>();
    try {
      PlatformIo.rows(stack.warehouse(), AttributionTables.SPANS)
          .forEach(r -> out.add((String) r.getField("event_id")));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read attribution_spans", e);
    }
    return out;
  }

  /** Creates a Datanet named {@code name} as dev account {@code account}; returns its id. */
  private static String createDatanet(
      EmbeddedStack stack, Deployment deployment, Web3j web3j, int account, String name)
      throws Exception {
    var credentials = stack.chain().account(account).credentials();
    ChainClient client = new ChainClient(web3j, stack.chain().chainId());
    DatanetRegistry.load(
            deployment.datanetRegistry(),
            web3j,
            client.transactionManager(credentials),
            client.gasProvider())
        .createDatanet(DatanetIds.saltOf(name), credentials.getAddress(), "console:" + name)
        .send();
    return Numeric.toHexString(DatanetIds.ofName(credentials.getAddress(), name));
  }

  /** The ids of the models a worker serves. */
  private static List<String> workerModels(String workerUrl) throws Exception {
    var body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(workerUrl + "/v1/models"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    List<String> ids = new java.util.ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(body)
        .get("data")
        .forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }

  /**
   * Waits until the active root's epoch is {@code epoch} or later and returns what {@code account}
   * earned in {@code epoch}; mines blocks so the chain's clock passes the activation delay.
   */
  private static BigInteger awaitActiveEpoch(
      EmbeddedStack stack, Deployment deployment, String account, long epoch, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Web3j web3j = stack.chain().newClient();
    try {
      RewardDistributor distributor =
          RewardDistributor.load(
              deployment.rewardDistributor(),
              web3j,
              new ReadonlyTransactionManager(web3j, account),
              new DefaultGasProvider());
      while (System.nanoTime() < deadline) {
        stack.chain().mine();
        var active = distributor.activeRoot().send();
        if (active.component1() && active.component2().longValueExact() >= epoch) {
          for (Record r : PlatformIo.rows(stack.warehouse(), SettlementTables.EPOCH_REWARDS)) {
            if ((Long) r.getField("epoch") == epoch && account.equals(r.getField("account"))) {
              return ((BigDecimal) r.getField("epoch_amount_wei")).toBigIntegerExact();
            }
          }
          throw new AssertionError("epoch " + epoch + " is settled without " + account);
        }
        Thread.sleep(2_000);
      }
      throw new AssertionError("epoch " + epoch + " not under an active root in " + timeout);
    } finally {
      web3j.shutdown();
    }
  }

  private static void await(WebDriver d, Supplier<Boolean> condition, Duration timeout) {
    new WebDriverWait(d, timeout, Duration.ofMillis(250))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(x -> condition.get());
  }

  /** Reloads the page until the condition holds once the page has rendered. */
  private static void awaitAfterReloads(WebDriver d, Supplier<Boolean> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        await(d, () -> page(d) != null, Duration.ofSeconds(30));
        if (condition.get()) {
          return;
        }
      } catch (org.openqa.selenium.WebDriverException retry) {
        // the page is being replaced, or did not render in time
      }
      Thread.sleep(2_000);
      d.navigate().refresh();
    }
    throw new AssertionError("condition not met in " + timeout + " on " + d.getCurrentUrl());
  }
}
