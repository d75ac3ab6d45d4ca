package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.schemas.RunOutcome;
import io.testline.shopfloor.simulator.Faults;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import io.testline.web.support.BrowserTest;
import io.testline.web.support.Events;
import io.testline.web.support.ShopfloorLine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The shopfloor page in a real Chromium over the real shopfloor-bridge and simulator: a submission the shopfloor
 * never answered goes DEAD, one it rejects stays REJECTED with its code and message, two wait while it is down; the
 * page lists each per station, and its redrive puts the dead one back in the backlog, after which the bridge
 * submits it and the shopfloor accepts it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopfloorPageIT extends BrowserTest<ShopfloorLine> {
  private static final String VIEWER_TOKEN = "shopfloor-page-it-viewer-token-0123456789";

  private static final Duration SETTLE = Duration.ofSeconds(60);

  private Events.Run dead;

  @Override
  protected ShopfloorLine startLine(KafkaBroker kafka, Database db) {
    return new ShopfloorLine(kafka, db);
  }

  @Test
  @Order(1)
  void lists_waiting_rejected_and_dead_submissions_per_station_with_the_shopfloors_code_and_message()
      throws Exception {
    Events sf1 = new Events("SF-01");
    Events sf2 = new Events("SF-02");
    Instant now = ShopfloorLine.now();
    line.send(List.of(sf1.birth(now, "pc-sf-01"), sf2.birth(now, "pc-sf-02")));

    // dead: the shopfloor answers 503 to everything, and the bridge gives up after a 1 s deadline
    line.startBridge(Duration.ofSeconds(1));
    line.simulator().setFaults(Faults.NONE.withErrorRate(1.0));
    dead = sf1.run("SN-D100", "FCT", 1, now.plusMillis(10));
    line.send(List.of(dead.started(), dead.finished(RunOutcome.PASS, 0, null)));
    await().atMost(SETTLE).until(() -> "DEAD".equals(line.ledgerState(dead.runId())));
    line.simulator().setFaults(Faults.NONE);
    line.startBridge(Duration.ofMinutes(10));

    // rejected: the unit is at ICT, not at FCT
    line.simulator().setRoute("SN-R200", List.of("ICT", "FCT"));
    Events.Run rejected = sf2.run("SN-R200", "FCT", 1, now.plusMillis(20));
    line.send(List.of(rejected.started(), rejected.finished(RunOutcome.PASS, 0, null)));
    await().atMost(SETTLE).until(() -> "REJECTED".equals(line.ledgerState(rejected.runId())));

    // waiting: the shopfloor is down
    line.simulator().down();
    Events.Run waiting1 = sf1.run("SN-W300", "FCT", 1, now.plusMillis(30));
    Events.Run waiting2 = sf2.run("SN-W301", "FCT", 1, now.plusMillis(40));
    line.send(List.of(waiting1.started(), waiting1.finished(RunOutcome.PASS, 0, null), waiting2.started(),
        waiting2.finished(RunOutcome.FAIL, 1, null)));
    await().atMost(SETTLE).until(() -> line.ledgerState(waiting1.runId()) != null
        && line.ledgerState(waiting2.runId()) != null);

    open("/shopfloor");
    assertThat(stat("sf-queued")).isEqualTo("2");
    assertThat(stat("sf-rejected")).isEqualTo("1");
    assertThat(stat("sf-dead")).isEqualTo("1");
    assertThat(stationRow("SF-01")).containsExactly(1L, 0L, 1L);
    assertThat(stationRow("SF-02")).containsExactly(1L, 1L, 0L);
    assertThat(runIds("dead-table")).containsExactly(dead.runId().toString());
    assertThat(row("dead-table", dead).getText()).contains("SN-D100", "SF-01", "DEADLINE");
    assertThat(runIds("rejected-table")).containsExactly(rejected.runId().toString());
    assertThat(row("rejected-table", rejected).getText())
        .contains("SN-R200", "SF-02", ShopfloorSimulator.ROUTE_STEP, "unit SN-R200 is at ICT, not at FCT");
    assertThat(runIds("backlog-table"))
        .containsExactlyInAnyOrder(waiting1.runId().toString(), waiting2.runId().toString());
    chromium.fitHeight(1400);
    chromium.screenshot("shopfloor");

    // one station's page lists that station's submissions only
    open("/shopfloor?station=SF-02");
    assertThat(runIds("backlog-table")).containsExactly(waiting2.runId().toString());
    assertThat(browser.findElements(By.id("dead-table"))).isEmpty();
  }

  @Test
  @Order(2)
  void a_viewer_is_not_offered_the_redrive_and_its_post_is_refused() throws Exception {
    String address = io.testline.brokers.junit.NetworkAddresses.nonLoopbackOrSkip();
    java.net.URI remote = line.webOn(address, VIEWER_TOKEN);
    browser.get(remote.resolve("/shopfloor").toString());
    assertThat(browser.getCurrentUrl()).as("off loopback a page needs a login").contains("/login?next=");
    browser.findElement(By.id("password")).sendKeys(VIEWER_TOKEN);   // the token's login: an empty user
    browser.findElement(By.id("login")).click();
    await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().endsWith("/shopfloor"));
    assertThat(runIds("dead-table")).containsExactly(dead.runId().toString());
    assertThat(browser.findElements(By.cssSelector("form.redrive"))).isEmpty();
    assertThat(browser.findElement(By.tagName("main")).getText()).contains("Redrive needs an administrator.");

    var post = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        remote.resolve("/shopfloor/redrive")).header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Bearer " + VIEWER_TOKEN)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("runId=" + dead.runId())).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(line.ledgerState(dead.runId())).isEqualTo("DEAD");
  }

  @Test
  @Order(3)
  void redrive_puts_a_dead_submission_back_in_the_backlog_and_the_bridge_then_submits_it() throws Exception {
    open("/shopfloor");
    row("dead-table", dead).findElement(By.cssSelector("form.redrive button")).click();

    await().atMost(SETTLE).until(() -> browser.getCurrentUrl().contains("redriven="));
    assertThat(browser.findElement(By.cssSelector("p.notice")).getText())
        .contains(dead.runId().toString(), "pending again");
    assertThat(browser.findElements(By.id("dead-table"))).isEmpty();
    assertThat(runIds("backlog-table")).contains(dead.runId().toString());
    assertThat(line.ledgerState(dead.runId())).isIn("PENDING", "IN_FLIGHT");

    // the shopfloor comes back: the bridge submits the redriven run with the rest of the backlog
    line.simulator().up();
    await().atMost(SETTLE).until(() -> "ACCEPTED".equals(line.ledgerState(dead.runId())));
    assertThat(line.simulator().acceptedRuns("SN-D100")).containsExactly(dead.runId().toString());
    await().atMost(SETTLE).untilAsserted(() -> {
      open("/shopfloor");
      assertThat(browser.findElement(By.id("backlog")).getText()).contains("(0)");
    });
    assertThat(browser.findElement(By.tagName("main")).getText()).contains("Nothing waits for the shopfloor.");

    // a repeated post (a second tab of the same browser: its cookies and CSRF token) changes nothing and says so
    var http = java.net.http.HttpClient.newHttpClient();
    String anon = browser.manage().getCookieNamed("tl_anon").getValue();
    String csrf = browser.manage().getCookieNamed(io.testline.web.access.WebAccess.CSRF_COOKIE).getValue();
    var again = http.send(java.net.http.HttpRequest.newBuilder(url("/shopfloor/redrive"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", "tl_anon=" + anon)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("runId=" + dead.runId() + "&_csrf=" + csrf)).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(again.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("notdead="));
    assertThat(line.ledgerState(dead.runId())).isEqualTo("ACCEPTED");
  }

  private String stat(String id) {
    return browser.findElement(By.cssSelector("#" + id + " .value")).getText();
  }

  /** A station's waiting, rejected and dead counts in the by-station table. */
  private List<Long> stationRow(String station) {
    WebElement row = browser.findElement(By.cssSelector("table.sf-stations tr[data-station='" + station + "']"));
    return List.of(Long.parseLong(row.findElement(By.cssSelector("td.queued")).getText()),
        Long.parseLong(row.findElement(By.cssSelector("td.rejected")).getText()),
        Long.parseLong(row.findElement(By.cssSelector("td.dead")).getText()));
  }

  private List<String> runIds(String table) {
    return browser.findElements(By.cssSelector("#" + table + " tr.submission")).stream()
        .map(e -> e.getAttribute("data-run-id")).toList();
  }

  private WebElement row(String table, Events.Run run) {
    return browser.findElement(By.cssSelector("#" + table + " tr[data-run-id='" + run.runId() + "']"));
  }
}
