package io.testline.web.support;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The frame of a browser test over a {@link ShopfloorLine}: one line and one headless Chromium per class, every test
 * skipped with the reason where the browser is missing, a screenshot of a failing test under target/screenshots.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ShopfloorLineBrowserTest {
  protected ShopfloorLine line;
  protected Chromium chromium;
  protected ChromeDriver browser;
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

  @BeforeAll
  void startLineAndBrowser(KafkaBroker kafka, Database db) {
    try {
      chromium = Chromium.startOrSkip();
    } catch (org.opentest4j.TestAbortedException e) {
      skipped = e.getMessage();
      return;
    }
    browser = chromium.driver();
    line = new ShopfloorLine(kafka, db);
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
    browser.get(line.web().resolve(pathAndQuery).toString());
  }

  protected URI url(String pathAndQuery) {
    return line.web().resolve(pathAndQuery);
  }
}
