package io.testline.web.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium through its chromedriver (Debian's {@code chromium} and {@code chromium-driver}),
 * with a fresh profile; nothing is downloaded (no Selenium Manager). Where they are missing the calling test is
 * skipped with the reason, or fails when {@code TESTLINE_REQUIRE_TOOLS} names {@code chromium} (CI).
 */
public final class Chromium implements AutoCloseable {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  public static Chromium startOrSkip() {
    Path browser = Path.of(env("TESTLINE_CHROMIUM", "/usr/bin/chromium"));
    Path chromedriver = Path.of(env("TESTLINE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!Files.isExecutable(browser) || !Files.isExecutable(chromedriver)) {
      String reason = "the browser tests need Chromium and its driver: " + browser + " or " + chromedriver
          + " is missing (apt-get install chromium chromium-driver)";
      if (env("TESTLINE_REQUIRE_TOOLS", "").contains("chromium")) {
        Assertions.fail(reason + "; TESTLINE_REQUIRE_TOOLS requires them");
      }
      Assumptions.abort(reason);
    }
    try {
      Path profile = Files.createTempDirectory("testline-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(browser.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--window-size=1920,1080", "--user-data-dir=" + profile);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(chromedriver.toFile())
          .usingAnyFreePort()
          .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      return new Chromium(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Saves what the browser shows as {@code target/screenshots/<name>.png}. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resizes the window so the whole page is in the next screenshot (a laptop-width page may be long). */
  public void fitHeight(int width) {
    Object h = driver.executeScript("return document.documentElement.scrollHeight");
    int height = Math.max(700, Math.min(4000, ((Number) h).intValue() + 20));
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temp profile is harmless; the test's outcome does not depend on it
      }
    }
  }
}
