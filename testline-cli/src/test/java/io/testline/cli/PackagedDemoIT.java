package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged distribution, run as a user runs it: {@code bin/testline demo} end to end, judged by its audit. */
class PackagedDemoIT {

  @Test
  void the_packaged_demo_runs_every_kind_of_run_and_its_audit_finds_each_stored_with_a_verdict(@TempDir Path tmp)
      throws Exception {
    Path report = tmp.resolve("report");
    String output = runDemo(tmp, "--report-dir", report.toString());
    assertThat(output).contains("demo OK", "CRASHED", "SIGSEGV", "TIMEOUT", "SHOPFLOOR REJECTED", "ROUTE-STEP",
        "shopfloor ACCEPTED");

    JsonNode audit = new ObjectMapper().readTree(report.resolve("audit.json").toFile());
    assertThat(audit.path("complete").asBoolean()).isTrue();
    assertThat(audit.path("runs")).hasSize(16);
    assertThat(audit.path("rejected")).hasSize(2);
    for (String empty : List.of("startedNotFinished", "finishedNotStored", "storedWithoutVerdict", "notSubmitted",
        "dead", "seqGaps")) {
      assertThat(audit.path(empty)).as(empty).isEmpty();
    }
    assertThat(audit.path("runs").findValuesAsText("outcome"))
        .contains("PASS", "FAIL", "CRASHED", "TIMEOUT");
    assertThat(Files.readString(report.resolve("audit.md"))).contains("**COMPLETE**");
  }

  @Test
  void the_demo_needs_no_mosquitto_it_runs_on_hivemq_ce_embedded_and_logs_to_a_file_not_the_terminal(@TempDir Path tmp) throws Exception {
    Path report = tmp.resolve("report");
    String output = runDemo(tmp, "--mqtt-broker", "HIVEMQ", "--stations", "2", "--runs", "3", "--report-dir",
        report.toString());
    assertThat(output).contains("HiveMQ CE");
    // the terminal has the live view, not the services' logs: those are in the file it names, with the report
    Path log = report.resolve("testline.log").toAbsolutePath();
    assertThat(output).contains("service logs: " + log);
    assertThat(output.lines().filter(l -> l.contains(" INFO "))).as(output).isEmpty();
    assertThat(Files.readString(log)).contains(" INFO ", "testline standalone is up");
    JsonNode audit = new ObjectMapper().readTree(report.resolve("audit.json").toFile());
    assertThat(audit.path("complete").asBoolean()).isTrue();
    assertThat(audit.path("runs")).hasSize(6);
  }

  /** Runs the packaged {@code bin/testline demo ARGS} in {@code dir}; asserts it ended by itself with exit 0. */
  private static String runDemo(Path dir, String... args) throws Exception {
    Path launcher = Path.of(System.getProperty("testline.dist", "target/testline")).resolve("bin/testline");
    assertThat(launcher).as("the packaged launcher").isExecutable();
    List<String> command = new java.util.ArrayList<>(List.of(launcher.toString(), "demo"));
    command.addAll(List.of(args));
    Path out = dir.resolve("demo.out");
    Process demo = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    boolean ended = demo.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      demo.destroyForcibly().waitFor();
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(ended).as("the demo ended within 5 minutes; output:%n%s", output).isTrue();
    assertThat(demo.exitValue()).as(output).isZero();
    return output;
  }
}
