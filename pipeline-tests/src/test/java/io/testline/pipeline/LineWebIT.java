package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import io.testline.web.support.Chromium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The line page in a real headless Chromium over a real line (standalone: mosquitto, the MQTT-Kafka bridge, Kafka,
 * result-consumer, PostgreSQL, shopfloor-bridge and simulator) fed by a real station agent around a test program
 * that waits at each step for the test's go: the tile goes online, shows the run's serial and each step as it
 * comes, then its PASS; when the agent stops after the shopfloor's verdict the tile turns offline and keeps the PASS;
 * an agent killed (-9) in the middle of the next unit turns the tile offline through its Will. No page reload.
 */
class LineWebIT {
  private static final String STATION = "WEB-REAL-01";
  private static final Duration LIVE = Duration.ofSeconds(60);

  @Test
  void the_line_page_follows_a_real_agents_run_step_by_step_and_shows_its_tile_offline_once_the_agent_stops_or_is_killed(
      @TempDir Path tmp) throws Exception {
    try (Chromium chromium = Chromium.startOrSkip();
         Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(tmp.resolve("data")))) {
      Standalone.Endpoints endpoints = standalone.start();
      ChromeDriver browser = chromium.driver();
      try {
        Path station = Files.createDirectories(tmp.resolve("station"));
        Path gates = Files.createDirectories(station.resolve("gates"));
        Path config = agentConfig(station, endpoints.mqttUri());
        Path program = gatedProgram(station);
        browser.get(endpoints.web().toString());
        browser.executeScript("window.testlineNotReloaded = true");

        Process agent = agent(station, config, "SN-WEB-1", program, gates);
        try {
          awaitTile(browser, t -> t.getAttribute("class").contains("online") && t.getText().contains("TESTING")
              && t.getText().contains("SN-WEB-1") && step(t).equals("Boot"));
          Files.createFile(gates.resolve("go1"));
          // the tile names a step by its path when it has one
          awaitTile(browser, t -> t.getText().contains("TESTING") && step(t).equals("Power/Rails/3V3"));
          Files.createFile(gates.resolve("go2"));
          awaitTile(browser, t -> big(t).equals("PASS") && t.getText().contains("SN-WEB-1"));
          // the agent stops after the shopfloor's verdict, saying goodbye: offline, the unit's PASS kept
          assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent stops after its verdict").isTrue();
          assertThat(agent.exitValue()).isZero();
          awaitTile(browser, t -> t.getAttribute("class").contains("offline") && big(t).equals("PASS"));
        } finally {
          kill(agent);
        }

        // the next unit: the agent is killed (-9) in the middle of it; the broker's Will takes the tile offline
        Path gates2 = Files.createDirectories(station.resolve("gates2"));
        Process killed = agent(station, config, "SN-WEB-2", program, gates2);
        try {
          awaitTile(browser, t -> t.getAttribute("class").contains("online") && t.getText().contains("TESTING")
              && t.getText().contains("SN-WEB-2"));
        } finally {
          kill(killed);
        }
        awaitTile(browser, t -> t.getAttribute("class").contains("offline"));
        assertThat(browser.executeScript("return window.testlineNotReloaded === true")).isEqualTo(true);
      } catch (AssertionError | RuntimeException e) {
        chromium.screenshot("FAILED-LineWebIT");
        throw e;
      }
    }
  }

  /** A test program that reports a step, waits for the test's {@code go1}, reports the next, waits for {@code go2}. */
  private static Path gatedProgram(Path dir) throws Exception {
    Path program = dir.resolve("gated_test.sh");
    Files.writeString(program, """
        #!/bin/sh
        gates=$1
        results=${TESTLINE_RESULTS_FILE:-/dev/null}
        step() {
          printf '{"type":"step","name":"%s","path":"%s","measurements":[{"name":"v","value":%s,"unit":"V","low":%s,"high":%s}]}\\n' \\
            "$1" "$2" "$3" "$4" "$5" >> "$results"
        }
        echo "FCT of $TESTLINE_SERIAL_NUMBER, gated by $gates"
        step "Boot" "Boot" 1.0 0.5 1.5
        while [ ! -e "$gates/go1" ]; do sleep 0.1; done
        step "3V3 rail" "Power/Rails/3V3" 3.31 3.2 3.4
        while [ ! -e "$gates/go2" ]; do sleep 0.1; done
        echo "all steps passed"
        exit 0
        """, StandardCharsets.UTF_8);
    return program;
  }

  private static Path agentConfig(Path dir, String mqttUri) throws Exception {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, """
        station:
          id: %1$s
          line: WEB-L1
          site: LAB
        agent:
          dataDir: %2$s
        mqtt:
          url: %3$s
          reconnect:
            initialDelay: 100ms
            maxDelay: 1s
        run:
          timeout: 5m
          killGrace: 1s
          flushTimeout: 5s
          verdictTimeout: 20s
          logFlushInterval: 200ms
          failExitCodes: [1]
          program:
            name: fct
            version: "2.1"
          testMethod: FCT
          operation: FCT
        heartbeat:
          interval: 2s
        """.formatted(STATION, dir.resolve("data"), mqttUri), StandardCharsets.UTF_8);
    return config;
  }

  /** {@code testline-agent run --wait-verdict} around the gated program, as a station runs one unit. */
  private static Process agent(Path dir, Path config, String serial, Path program, Path gates) throws Exception {
    return new ProcessBuilder(ServiceJvm.javaBin(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "run", "-c", config.toString(),
        "--serial", serial, "--part", "PCB-100", "--revision", "C", "--operator", "op1", "--work-order", "WO-1",
        "--wait-verdict", "--", "/bin/sh", program.toString(), gates.toString())
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent-" + serial + ".log").toFile())).start();
  }

  /** SIGKILL to the agent and its test program, if still running. */
  private static void kill(Process p) throws InterruptedException {
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    p.waitFor();
  }

  private static void awaitTile(ChromeDriver browser, Predicate<WebElement> condition) {
    await().atMost(LIVE).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsMatching(e -> e instanceof NoSuchElementException
            || e instanceof StaleElementReferenceException)
        .until(() -> condition.test(browser.findElement(By.cssSelector(".tile[data-station='" + STATION + "']"))));
  }

  private static String step(WebElement tile) {
    return tile.findElement(By.cssSelector(".step")).getText();
  }

  private static String big(WebElement tile) {
    return tile.findElement(By.cssSelector(".big")).getText();
  }
}
