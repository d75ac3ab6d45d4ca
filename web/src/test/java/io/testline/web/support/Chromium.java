package io.testline.web.support;

import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium through its chromedriver (Debian's {@code chromium} and {@code chromium-driver}),
 * with a fresh profile; nothing is downloaded (no Selenium Manager). Where they are missing the calling test is
 * skipped with the reason, or fails when {@code TESTLINE_REQUIRE_TOOLS} names them (CI): {@link RequiredTools}.
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
    // the system's browser and driver, found (or the test skipped or failed) by the one rule for test tools
    Path browser = Optional.ofNullable(System.getenv("TESTLINE_CHROMIUM")).map(Path::of)
        .orElseGet(() -> RequiredTools.require("chromium"));
    Path chromedriver = Optional.ofNullable(System.getenv("TESTLINE_CHROMEDRIVER")).map(Path::of)
        .orElseGet(() -> RequiredTools.require("chromedriver"));
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
