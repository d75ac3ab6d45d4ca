package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.schemas.Comparator;
import io.testline.schemas.Event;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.StepOutcome;
import io.testline.web.support.BrowserTest;
import io.testline.web.support.Events;
import io.testline.web.support.LineHistory;
import io.testline.web.support.Pipeline;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The yield and measurement pages in a real headless Chromium, over runs the real result-consumer stored from
 * Kafka: the yield table, its chart and the Pareto equal what the test counts from its own data; the measurement
 * page's Cp and Cpk equal the test's own arithmetic, its chart holds every value; station text stays text.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartPagesIT extends BrowserTest<Pipeline> {
  /** The yield data's window: five days; the measurement data lie in March, the hostile run in April. */
  private static final Instant YIELD_FROM = Instant.parse("2026-02-02T00:00:00Z");
  private static final Instant YIELD_TO = Instant.parse("2026-02-07T00:00:00Z");
  private static final String WINDOW = "from=2026-02-02T00:00:00Z&to=2026-02-07T00:00:00Z";
  private static final String MEASURED = "&from=2026-03-01&to=2026-04-01";
  /** What station markup would become, were it not shown as text. */
  private static final String INJECTED = "main script, main img, main u, main b b";

  private LineHistory history;

  @Override
  protected Pipeline startLine(KafkaBroker kafka, Database db) {
    Pipeline pipeline = new Pipeline(kafka, db);
    history = LineHistory.seed(YIELD_FROM, 5, 24);
    pipeline.sendBatch(history.events());
    return pipeline;
  }

  @Test
  @Order(1)
  void the_yield_table_and_its_chart_equal_the_first_pass_and_final_yield_counted_from_the_seeded_runs() {
    await().atMost(LIVE).until(() -> line.count("select count(*) from runs where started_at >= '2026-02-01' and "
        + "started_at < '2026-02-09' and finished") == history.finishedRuns());
    for (String by : List.of("day", "shift", "station", "operation")) {
      open("/yield?" + WINDOW + "&by=" + by);
      assertThat(shownYield()).as("by " + by).isEqualTo(history.yields(YIELD_FROM, YIELD_TO, null, null, by));
    }
    open("/yield?" + WINDOW + "&station=FCT-L1-02&operation=FCT&by=shift");
    assertThat(shownYield()).isEqualTo(history.yields(YIELD_FROM, YIELD_TO, "FCT-L1-02", "FCT", "shift"));

    open("/yield?" + WINDOW + "&by=day");
    LineHistory.Counts total = history.yields(YIELD_FROM, YIELD_TO, null, null, "operation").values().stream()
        .reduce(new LineHistory.Counts(0, 0, 0, 0, 0), (a, b) -> new LineHistory.Counts(a.units() + b.units(),
            a.firstPass() + b.firstPass(), a.finalPass() + b.finalPass(), a.retested() + b.retested(),
            a.runs() + b.runs()));
    assertThat(stat("units")).isEqualTo(String.valueOf(total.units()));
    assertThat(stat("fpy")).isEqualTo(percent(total.firstPass(), total.units()));
    assertThat(stat("final")).isEqualTo(percent(total.finalPass(), total.units()));
    assertThat(stat("retest")).isEqualTo(percent(total.retested(), total.units()));

    // the chart is drawn from the table: one point per day in order, the yields the test counted
    awaitDrawn("yield-chart");
    Map<String, LineHistory.Counts> byDay = history.yields(YIELD_FROM, YIELD_TO, null, null, "day");
    List<List<Object>> data = chartData("yield-chart");
    assertThat(data.get(0)).hasSize(byDay.size());
    assertThat(browser.findElements(By.cssSelector("table.yield tr.yrow")).stream()
        .map(r -> r.getAttribute("data-label") + "T00:00")).containsExactlyElementsOf(byDay.keySet());
    List<Double> fpy = new ArrayList<>();
    List<Double> fin = new ArrayList<>();
    byDay.forEach((day, c) -> {
      fpy.add(100.0 * c.firstPass() / c.units());
      fin.add(100.0 * c.finalPass() / c.units());
    });
    assertThat(numbers(data.get(1))).usingElementComparator(close()).containsExactlyElementsOf(fpy);
    assertThat(numbers(data.get(2))).usingElementComparator(close()).containsExactlyElementsOf(fin);
    chromium.fitHeight(1400);
    chromium.screenshot("yield");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1920, 1080));
  }

  @Test
  @Order(2)
  void the_pareto_counts_each_failed_run_once_by_its_first_failing_step() {
    open("/yield?" + WINDOW + "&by=station");
    Map<String, Long> expected = history.pareto(YIELD_FROM, YIELD_TO);
    Map<String, Long> shown = new TreeMap<>();
    List<Long> inOrder = new ArrayList<>();
    for (WebElement row : browser.findElements(By.cssSelector("table.pareto tr.prow"))) {
      long n = Long.parseLong(row.findElement(By.cssSelector(".failures")).getText());
      shown.put(row.findElement(By.cssSelector(".step")).getText(), n);
      inOrder.add(n);
    }
    assertThat(shown).isEqualTo(expected);
    assertThat(inOrder).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    // bars and the cumulative line: the same counts, ending at 100 %
    awaitDrawn("pareto-chart");
    List<List<Object>> data = chartData("pareto-chart");
    assertThat(numbers(data.get(1))).containsExactlyElementsOf(inOrder.stream().map(Long::doubleValue).toList());
    assertThat(numbers(data.get(2)).get(inOrder.size() - 1)).isCloseTo(100.0, within(1e-6));

    // a step of the Pareto leads to its measurements
    browser.findElement(By.cssSelector("table.pareto tr.prow .step a")).click();
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("/measurements?operation="));
    assertThat(browser.findElement(By.tagName("main")).getText()).contains("Choose a measurement");
  }

  @Test
  @Order(3)
  void the_measurement_page_shows_the_cp_and_cpk_the_test_computes_and_charts_every_value() {
    Map<String, List<Double>> values = seedMeasurements();
    open("/measurements?operation=FCT&step=Power%2FRails%2F3V3&name=v_3v3" + MEASURED);
    List<Double> all = values.values().stream().flatMap(List::stream).toList();
    double[] own = capability(all, 3.135, 3.465);
    assertThat(Double.parseDouble(stat("cp"))).isCloseTo(own[0], within(0.005));
    assertThat(Double.parseDouble(stat("cpk"))).isCloseTo(own[1], within(0.005));
    assertThat(stat("n")).isEqualTo(String.valueOf(all.size()));
    for (WebElement row : browser.findElements(By.cssSelector("table.mstations tr.srow"))) {
      double[] station = capability(values.get(row.getAttribute("data-station")), 3.135, 3.465);
      assertThat(Double.parseDouble(row.findElement(By.cssSelector(".cpk")).getText()))
          .as(row.getAttribute("data-station")).isCloseTo(station[1], within(0.005));
    }
    assertThat(browser.findElements(By.cssSelector("table.mstations tr.srow"))).hasSize(values.size());

    // the control chart holds every value once, each in its station's series; the histogram counts them all
    awaitDrawn("control-chart");
    List<List<Object>> data = chartData("control-chart");
    assertThat(data.get(0)).hasSize(all.size());
    List<Double> drawn = new ArrayList<>();
    for (int s = 1; s <= values.size(); s++) {
      data.get(s).stream().filter(v -> v != null).forEach(v -> drawn.add(((Number) v).doubleValue()));
    }
    assertThat(drawn).containsExactlyInAnyOrderElementsOf(all);
    awaitDrawn("histogram-chart");
    assertThat(numbers(chartData("histogram-chart").get(1)).stream().mapToDouble(Double::doubleValue).sum())
        .isEqualTo(all.size());
    chromium.fitHeight(1400);
    chromium.screenshot("measurement");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1920, 1080));

    // one-sided: only an upper limit, so no Cp and Cpk = (USL - mean) / 3 sigma
    open("/measurements?operation=FCT&step=Power%2FStandby&name=i_standby" + MEASURED);
    List<Double> standby = values.values().stream().flatMap(List::stream).map(v -> (v - 3.0) * 100).toList();
    assertThat(stat("cp")).isEqualTo("–");
    assertThat(Double.parseDouble(stat("cpk"))).isCloseTo(capability(standby, null, 50.0)[1], within(0.005));
  }

  @Test
  @Order(4)
  void a_run_page_links_its_measurements_to_their_chart() {
    String runId = (String) line.queryOne("select r.run_id::text from runs r join measurements m "
        + "on m.run_id = r.run_id "
        + "where m.name = 'v_3v3' order by r.started_at limit 1");
    open("/runs/" + runId);
    browser.findElement(By.linkText("v_3v3")).click();
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("/measurements?"));
    assertThat(browser.findElement(By.cssSelector("h1 .mname")).getText()).isEqualTo("v_3v3");
    assertThat(Long.parseLong(stat("n"))).isPositive();
  }

  @Test
  @Order(5)
  void station_supplied_markup_in_steps_and_measurements_is_shown_as_text() {
    String step = "<script>alert(5)</script>";
    String name = "\"><img src=x onerror=alert(6)>";
    Events st = new Events("EVIL-Y");
    Events.Run run = st.run("SN-EVIL", "<b>op</b>", 1, Instant.parse("2026-04-02T10:00:00Z"));
    line.send(run.started(), run.measured(step, step, name, 9.0, 0.0, 1.0, "<u>V</u>"),
        run.finished(RunOutcome.FAIL, 1, null));
    String window = "&from=2026-04-01&to=2026-04-03";
    await().atMost(LIVE).pollInterval(Duration.ofMillis(250)).until(() -> {
      open("/yield?operation=" + q("<b>op</b>") + window);
      return !browser.findElements(By.cssSelector("table.pareto tr.prow")).isEmpty();
    });
    assertThat(browser.findElement(By.cssSelector("table.pareto .step")).getText()).isEqualTo(step);
    assertThat(browser.findElement(By.cssSelector(".filters [name=operation]")).getAttribute("value"))
        .isEqualTo("<b>op</b>");
    assertNothingInjected(INJECTED);

    browser.findElement(By.cssSelector("table.pareto .step a")).click();
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("/measurements?"));
    assertThat(browser.findElement(By.cssSelector("a.choice")).getText()).isEqualTo(name);
    assertNothingInjected(INJECTED);
    browser.findElement(By.cssSelector("a.choice")).click();
    await().atMost(LIVE).until(() -> !browser.findElements(By.cssSelector("h1 .mname")).isEmpty());
    assertThat(browser.findElement(By.cssSelector("h1 .mname")).getText()).isEqualTo(name);
    assertThat(browser.findElement(By.cssSelector("h1 .mstep")).getText()).isEqualTo(step);
    awaitDrawn("control-chart");
    assertNothingInjected(INJECTED);
  }

  // --- helpers

  /** Three stations, 60 runs each in March: v_3v3 around 3.3 V (limits 3.135..3.465) and a one-sided i_standby. */
  private Map<String, List<Double>> seedMeasurements() {
    Random random = new Random(7);
    Map<String, List<Double>> values = new LinkedHashMap<>();
    List<Event<?>> events = new ArrayList<>();
    double[] offset = {0.0, 0.035, -0.02};
    double[] spread = {0.025, 0.03, 0.045};
    for (int s = 0; s < 3; s++) {
      Events st = new Events("FCT-M-0" + (s + 1));
      for (int i = 0; i < 60; i++) {
        double v = Math.round((3.3 + offset[s] + spread[s] * random.nextGaussian()) * 1e4) / 1e4;
        Events.Run run = st.run(String.format("SNM%d%03d", s, i), "FCT", 1,
            Instant.parse("2026-03-02T06:00:00Z").plusSeconds(7200L * i + 600L * s));
        events.add(run.started());
        events.add(run.measured("3V3 rail", "Power/Rails/3V3", "v_3v3", v, 3.135, 3.465, "V"));
        events.add(run.measured("Standby", "Power/Standby", "i_standby", (v - 3.0) * 100, null, 50.0, "uA",
            Comparator.LE));
        events.add(run.step("Flash", StepOutcome.PASS));
        events.add(run.finished(v >= 3.135 && v <= 3.465 ? RunOutcome.PASS : RunOutcome.FAIL, 0, null));
        values.computeIfAbsent(st.station(), k -> new ArrayList<>()).add(v);
      }
    }
    line.sendBatch(events);
    await().atMost(LIVE).until(() -> line.count("select count(*) from measurements m "
        + "join runs r on r.run_id = m.run_id where m.name = 'v_3v3' and r.finished") == 180);
    return values;
  }

  /** Cp and Cpk by the textbook: the sample standard deviation; one side only where a limit is missing. */
  private static double[] capability(List<Double> xs, Double lsl, Double usl) {
    double mean = xs.stream().mapToDouble(Double::doubleValue).sum() / xs.size();
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    double sigma = Math.sqrt(ss / (xs.size() - 1));
    double cp = lsl == null || usl == null ? Double.NaN : (usl - lsl) / (6 * sigma);
    double cpu = usl == null ? Double.POSITIVE_INFINITY : (usl - mean) / (3 * sigma);
    double cpl = lsl == null ? Double.POSITIVE_INFINITY : (mean - lsl) / (3 * sigma);
    return new double[] {cp, Math.min(cpu, cpl)};
  }

  /** The yield table: group key → counts. */
  private Map<String, LineHistory.Counts> shownYield() {
    Map<String, LineHistory.Counts> out = new TreeMap<>();
    for (WebElement r : browser.findElements(By.cssSelector("table.yield tr.yrow"))) {
      out.put(r.getAttribute("data-key"), new LineHistory.Counts(attr(r, "data-units"), attr(r, "data-first-pass"),
          attr(r, "data-final-pass"), attr(r, "data-retested"), attr(r, "data-runs")));
      // what a person reads agrees with the attributes
      assertThat(r.findElement(By.cssSelector(".fpy")).getText())
          .isEqualTo(percent(attr(r, "data-first-pass"), attr(r, "data-units")));
    }
    return out;
  }

  private static long attr(WebElement e, String name) {
    return Long.parseLong(e.getAttribute(name));
  }

  private static String percent(long n, long of) {
    return String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * n / of);
  }

  private String stat(String name) {
    return browser.findElement(By.cssSelector("[data-stat=" + name + "]")).getText();
  }

  private void awaitDrawn(String id) {
    await().atMost(LIVE).pollInterval(Duration.ofMillis(100)).until(() -> Boolean.TRUE.equals(browser.executeScript(
        "var c = window.testlineCharts && window.testlineCharts[arguments[0]];"
            + " return !!c && document.querySelectorAll('#' + arguments[0] + ' canvas').length > 0", id)));
  }

  @SuppressWarnings("unchecked")
  private List<List<Object>> chartData(String id) {
    return (List<List<Object>>) browser.executeScript("return window.testlineCharts[arguments[0]].data", id);
  }

  private static List<Double> numbers(List<Object> xs) {
    return xs.stream().map(x -> x == null ? null : ((Number) x).doubleValue()).toList();
  }

  private static java.util.Comparator<Double> close() {
    return (a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b);
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
