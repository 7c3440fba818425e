package io.payable.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
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

  /** Screenshots of the current page at the desktop and the phone size; back to desktop after. */
  void screenshots(String name) throws Exception {
    for (Dimension size : new Dimension[] {PHONE, DESKTOP}) {
      driver.manage().window().setSize(size);
      Thread.sleep(300);
      byte[] png = driver.getScreenshotAs(OutputType.BYTES);
      Files.write(
          screenshots.resolve(name + "-" + size.getWidth() + "x" + size.getHeight() + ".png"), png);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
