package io.payable.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium (Debian {@code chromium}) driven through the system's {@code chromedriver}
 * (Debian {@code chromium-driver}): nothing is downloaded, Selenium Manager is never asked.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Dimension DESKTOP = new Dimension(1280, 800);
  static final Dimension PHONE = new Dimension(390, 844);

  private static final Path BROWSER = Paths.get("/usr/bin/chromium");
  private static final Path DRIVER = Paths.get("/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path screenshots;

  private HeadlessChromium(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** Whether the Debian packages are installed. */
  static boolean installed() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }

  /** Starts the browser; {@code walletScript} runs in every page before the page's own scripts. */
  static HeadlessChromium start(String walletScript, Path screenshots) {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withSilent(true)
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800");
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    driver.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", walletScript));
    try {
      Files.createDirectories(screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new HeadlessChromium(driver, screenshots);
  }

  /**
   * Whole-page screenshots of the current page with a phone's (390x844) and a laptop's (1280x800)
   * viewport, through the DevTools protocol; the page is left at the laptop size.
   */
  @SuppressWarnings("unchecked")
  void screenshots(String name) throws Exception {
    for (Dimension size : new Dimension[] {PHONE, DESKTOP}) {
      boolean phone = size.getWidth() < 600;
      driver.executeCdpCommand(
          "Emulation.setDeviceMetricsOverride",
          Map.of(
              "width",
              size.getWidth(),
              "height",
              size.getHeight(),
              "deviceScaleFactor",
              1,
              "mobile",
              phone));
      Thread.sleep(400);
      Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
      Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
      double height =
          Math.min(
              6_000, Math.max(size.getHeight(), ((Number) content.get("height")).doubleValue()));
      Map<String, Object> shot =
          driver.executeCdpCommand(
              "Page.captureScreenshot",
              Map.of(
                  "format",
                  "png",
                  "captureBeyondViewport",
                  true,
                  "clip",
                  Map.of("x", 0, "y", 0, "width", size.getWidth(), "height", height, "scale", 1)));
      Files.write(
          screenshots.resolve(name + "-" + size.getWidth() + "x" + size.getHeight() + ".png"),
          Base64.getDecoder().decode((String) shot.get("data")));
    }
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /** Widths of elements wider than the viewport at the phone size (layout bugs), for a test. */
  @SuppressWarnings("unchecked")
  java.util.List<String> overflowAtPhoneWidth() throws Exception {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of(
            "width",
            PHONE.getWidth(),
            "height",
            PHONE.getHeight(),
            "deviceScaleFactor",
            1,
            "mobile",
            true));
    Thread.sleep(400);
    Object result =
        driver.executeScript(
            "const w = document.documentElement.clientWidth;"
                + "return document.documentElement.scrollWidth > w"
                + " ? [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > w + 1"
                + " && !e.closest('.table-wrap'))"
                + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +"
                + " Math.round(e.getBoundingClientRect().right))"
                + " : [];");
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    return (java.util.List<String>) result;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
