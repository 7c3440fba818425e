package io.payable.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.payable.attribution.sink.AttributionTables;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
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
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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

/**
 * The Console in a real headless Chromium against the whole embedded platform (the demo cycle of
 * {@code payable up}): a contributor signs a contribution in the browser wallet and sees it
 * accepted and anchored, a duplicate rejected with its reason; the trace page shows an attributed
 * event's spans, shares and exact split; after settlement the payouts page shows the amount and a
 * Claim sent through the wallet pays it on anvil. Screenshots of every page at 1280x800 and 390x844
 * go to target/console-screenshots.
 *
 * <p>The wallet is an EIP-1193 provider injected into every page that forwards to anvil, which
 * signs with the development key of the chosen account.
 */
class ConsoleITCase {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleITCase.class);
  private static final Path SCREENSHOTS = Paths.get("target", "console-screenshots");

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
                DemoPlan.defaults(Duration.ofSeconds(8)).withTrainingSteps(20),
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

        // Datanets: the demo's Datanets fill up with accepted contributions.
        d.get(base + "#/datanets");
        awaitAfterReloads(
            d,
            () ->
                d.findElements(By.cssSelector("#datanets tbody tr")).size() == 3 && datanetRows(d),
            Duration.ofSeconds(90));
        browser.screenshots("datanets");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Contribute with the wallet -> accepted, visible in the table, then anchored.
        d.findElement(By.cssSelector("#datanets tbody tr a")).click();
        await(d, () -> !d.findElements(By.id("contribute-form")).isEmpty(), Duration.ofSeconds(20));
        String text =
            "Console contribution "
                + UUID.randomUUID()
                + ": the whale surfaced beside the ship at dawn, and every sailor on deck"
                + " watched it breathe twice before it sounded into the grey water again.";
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
        assertThat(row.getField("license")).isEqualTo("CC-BY-4.0");
        await(d, () -> !d.findElements(By.id("anchor-proof")).isEmpty(), Duration.ofSeconds(60));
        assertThat(d.findElement(By.id("anchor-proof")).getText()).contains("anchored");
        d.findElement(By.name("q")).sendKeys(id.substring(2, 14));
        d.findElement(By.cssSelector("form[role=search] button")).click();
        await(
            d,
            () ->
                d.findElements(By.cssSelector("#contributions tbody tr")).size() == 1
                    && d.findElement(By.id("page-info")).getText().contains("1 contributions"),
            Duration.ofSeconds(20));
        browser.screenshots("datanet-contributed");

        // The same text again: rejected by the ingest job, with its reason on the page.
        contribute(d, text);
        await(d, () -> status(d).equals("rejected"), Duration.ofSeconds(60));
        assertThat(d.findElement(By.id("rejection-reason")).getText())
            .contains("duplicate_content");
        browser.screenshots("datanet-rejected");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();

        // Trace: an attributed event with spans; the page's split is the table's, to the wei.
        d.get(base + "#/trace");
        awaitAfterReloads(d, () -> attributedEventRow(d) != null, Duration.ofSeconds(120));
        browser.screenshots("trace-list");
        WebElement eventRow = attributedEventRow(d);
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
        Map<String, String> contributorAmounts =
            split.stream()
                .filter(r -> "contributor".equals(r.getField("role")))
                .collect(
                    Collectors.toMap(
                        r -> (String) r.getField("recipient"),
                        r ->
                            ((BigDecimal) r.getField("amount_wei"))
                                .toBigIntegerExact()
                                .toString()));
        assertThat(d.findElements(By.cssSelector("#shares [data-contributor]")))
            .hasSize(contributorAmounts.size());
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

        // Payouts: once a root is active, the richest contributor's page shows the amount, and
        // Claim through the wallet pays exactly it on chain.
        String claimant = awaitClaimant(stack, cycle, Duration.ofSeconds(150));
        ((org.openqa.selenium.JavascriptExecutor) d)
            .executeScript("localStorage.setItem('testWallet.account', arguments[0])", claimant);
        d.get(base + "#/payouts/" + claimant);
        d.navigate().refresh();
        await(d, () -> d.findElements(By.id("claim")).size() == 1, Duration.ofSeconds(30));
        WebElement claim = d.findElement(By.id("claim"));
        assertThat(claim.isEnabled()).isTrue();
        // What the page offers to claim is a cumulative total settlement wrote for this account.
        BigInteger offered = new BigInteger(claim.getAttribute("data-cumulative-wei"));
        assertThat(
                PlatformIo.rows(stack.warehouse(), SettlementTables.EPOCH_REWARDS).stream()
                    .filter(r -> claimant.equals(r.getField("account")))
                    .map(r -> ((BigDecimal) r.getField("cumulative_wei")).toBigIntegerExact()))
            .contains(offered);
        assertThat(d.findElement(By.id("claimable")).getAttribute("data-wei"))
            .isEqualTo(offered.toString());
        assertThat(d.findElements(By.cssSelector("#epochs tbody tr"))).isNotEmpty();
        assertThat(d.findElement(By.id("claimed")).getAttribute("data-wei")).isEqualTo("0");
        browser.screenshots("payouts");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();
        Web3j web3j = stack.chain().newClient();
        OpenToken token =
            OpenToken.load(
                deployment.openToken(),
                web3j,
                new ReadonlyTransactionManager(web3j, claimant),
                new DefaultGasProvider());
        BigInteger before = token.balanceOf(claimant).send();
        d.findElement(By.id("claim")).click();
        await(
            d,
            () ->
                d.findElement(By.id("claim-status")).getText().startsWith("Claimed in transaction"),
            Duration.ofSeconds(60));
        // Exactly what was offered reached the account, on chain.
        assertThat(token.balanceOf(claimant).send().subtract(before)).isEqualTo(offered);
        RewardDistributor distributor =
            RewardDistributor.load(
                deployment.rewardDistributor(),
                web3j,
                new ReadonlyTransactionManager(web3j, claimant),
                new DefaultGasProvider());
        assertThat(distributor.claimed(claimant).send()).isEqualTo(offered);
        // The page shows it (a newer root may meanwhile make more claimable).
        await(
            d,
            () ->
                d.findElement(By.id("claimed")).getAttribute("data-wei").equals(offered.toString()),
            Duration.ofSeconds(20));
        browser.screenshots("payouts-claimed");
        assertThat(browser.overflowAtPhoneWidth()).as("wider than a phone").isEmpty();
        web3j.shutdown();

        // The remaining pages render (screenshots for people to look at).
        d.get(base + "#/consumers");
        await(d, () -> "consumers".equals(page(d)), Duration.ofSeconds(20));
        browser.screenshots("consumers");
        d.get(base + "#/models");
        await(d, () -> "models".equals(page(d)), Duration.ofSeconds(20));
        browser.screenshots("models");

        // The chat playground reaches the worker's adapter; the demo's worker serves paid
        // requests only, and the playground holds no consumer key, so it shows the worker's
        // payment-required answer in one line.
        d.findElement(By.name("model")).sendKeys("moby-dick-qa");
        d.findElement(By.name("prompt")).sendKeys("Call me Ishmael.");
        d.findElement(By.cssSelector("#chat button[type=submit]")).click();
        await(
            d,
            () ->
                !d.findElements(By.cssSelector("#chat-log [data-answer=done]")).isEmpty()
                    || !d.findElement(By.id("message")).getText().isEmpty(),
            Duration.ofSeconds(90));
        assertThat(d.findElement(By.id("message")).getText()).contains("paid requests only");
        browser.screenshots("models-chat");
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

  /** The first event row that credited contributors, or null. */
  private static WebElement attributedEventRow(WebDriver d) {
    for (WebElement row : d.findElements(By.cssSelector("#events tbody tr"))) {
      String contributors = row.findElements(By.tagName("td")).get(4).getText();
      if (contributors.matches("[1-9][0-9]*")) {
        return row;
      }
    }
    return null;
  }

  /**
   * Waits until a root is active and returns the demo contributor with the largest claimable
   * cumulative total in it; mines blocks so the chain's clock passes the activation delay.
   */
  private static String awaitClaimant(EmbeddedStack stack, DemoCycle cycle, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      stack.chain().mine();
      String best = null;
      BigInteger most = BigInteger.ZERO;
      for (int account = 1; account <= 5; account++) {
        String address = stack.chain().account(account).address().toLowerCase();
        BigInteger c = activeCumulative(stack, address);
        if (c.compareTo(most) > 0) {
          best = address;
          most = c;
        }
      }
      if (best != null) {
        return best;
      }
      LOG.info("waiting for an active root: {}", cycle.summary());
      Thread.sleep(2_000);
    }
    throw new AssertionError("no active root with a contributor's payout in " + timeout);
  }

  /** The account's cumulative total in the epoch of the active root (0 when none). */
  private static BigInteger activeCumulative(EmbeddedStack stack, String account) throws Exception {
    Web3j web3j = stack.chain().newClient();
    try {
      Deployment deployment =
          Deployment.fromJson(
              Files.readString(stack.dataDir().resolve("chain").resolve("deployment.json")));
      RewardDistributor distributor =
          RewardDistributor.load(
              deployment.rewardDistributor(),
              web3j,
              new ReadonlyTransactionManager(web3j, account),
              new DefaultGasProvider());
      var active = distributor.activeRoot().send();
      if (!active.component1()) {
        return BigInteger.ZERO;
      }
      long epoch = active.component2().longValueExact();
      for (Record r : PlatformIo.rows(stack.warehouse(), SettlementTables.EPOCH_REWARDS)) {
        if ((Long) r.getField("epoch") == epoch && account.equals(r.getField("account"))) {
          return ((BigDecimal) r.getField("cumulative_wei")).toBigIntegerExact();
        }
      }
      return BigInteger.ZERO;
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
