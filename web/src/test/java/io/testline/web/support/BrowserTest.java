package io.testline.web.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The frame of a browser test over a line the subclass starts ({@link Pipeline}, {@link ShopfloorLine}): one line and
 * one headless Chromium per class, every test skipped with the reason where the browser is missing, a screenshot of
 * a failing test under target/screenshots, and the page helpers every browser test needs.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserTest<L extends BrowserTest.Line> {
  /** How long a page may take to show what the line stored. */
  protected static final Duration LIVE = Duration.ofSeconds(30);

  /** What a browser test runs against: a web server over a line, closed after the class. */
  public interface Line extends AutoCloseable {
    URI web();

    @Override
    void close();
  }

  protected L line;
  protected Chromium chromium;
  protected ChromeDriver browser;
  /** Why the browser tests cannot run here; each test is reported skipped with it. */
  private String skipped;

  @RegisterExtension
  final TestWatcher screenshotOnFailure = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (chromium != null) {
        chromium.screenshot("FAILED-" + context.getRequiredTestMethod().getName());
      }
    }
  };

  /** Starts the line the tests run against; called once, only where a browser is there. */
  protected abstract L startLine(KafkaBroker kafka, Database db);

  @BeforeAll
  void startLineAndBrowser(KafkaBroker kafka, Database db) {
    try {
      chromium = Chromium.startOrSkip();
    } catch (org.opentest4j.TestAbortedException e) {
      skipped = e.getMessage();
      return;
    }
    browser = chromium.driver();
    line = startLine(kafka, db);
  }

  @BeforeEach
  void skipWithoutABrowser() {
    Assumptions.assumeTrue(skipped == null, () -> skipped);
  }

  @AfterAll
  void stopLineAndBrowser() {
    if (chromium != null) {
      chromium.close();
    }
    if (line != null) {
      line.close();
    }
  }

  protected void open(String pathAndQuery) {
    browser.get(url(pathAndQuery).toString());
  }

  protected URI url(String pathAndQuery) {
    return line.web().resolve(pathAndQuery);
  }

  /** Opens the page again until {@code shown} holds (the consumer stores asynchronously). */
  protected void openUntil(String pathAndQuery, Callable<Boolean> shown) {
    await().atMost(LIVE).pollInterval(Duration.ofMillis(250)).until(() -> {
      open(pathAndQuery);
      return shown.call();
    });
  }

  /** Opens a page that shows {@code text} once the consumer has stored what the test sent. */
  protected void openWhenStored(String pathAndQuery, String text) {
    openUntil(pathAndQuery, () -> browser.findElement(By.tagName("main")).getText().contains(text));
  }

  /** Station strings stayed text: no alert is open and nothing matches {@code injected} (a CSS selector). */
  protected void assertNothingInjected(String injected) {
    try {
      browser.switchTo().alert();
      throw new AssertionError("a station string ran as script: an alert is open");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
    assertThat(browser.findElements(By.cssSelector(injected))).isEmpty();
  }
}
