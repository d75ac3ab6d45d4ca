package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.brokers.junit.RequiredTools;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import io.testline.schemas.EventJson;
import io.testline.schemas.LogStream;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash forensics with real programs: Python scripts that segfault or hang (faulthandler), C programs compiled here
 * with gcc that dereference NULL or spin (core file, gdb). The native tests read this machine's
 * {@code /proc/sys/kernel/core_pattern}: where it cannot give the agent a core (a pipe, an unresolvable pattern) they
 * assert the recorded reason instead of a core.
 */
@ExtendWith(RealBrokers.class)
class CrashForensicsIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  @Test
  void python_segfault_inside_a_function_is_crashed_with_that_file_line_and_function(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    String python = RequiredTools.require("python3").toString();
    TestStation station = new TestStation(tmp, broker, null);
    Path script = station.script("psu_test.py", """
        import ctypes

        def read_rail():
            return ctypes.c_int.from_address(0).value

        print("measuring rails", flush=True)
        read_rail()
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-PYSEGV-1", "--", python, script.toString());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished published = monitor.finished(f -> true).get(0).data();
      RunFinished stored = storedRun(station, published);
      for (RunFinished run : List.of(published, stored)) {
        assertThat(run.outcome()).isEqualTo(RunOutcome.CRASHED);
        assertThat(run.signal()).isEqualTo("SIGSEGV");
        assertThat(run.crash().kind()).isEqualTo(CrashKind.PYTHON_TRACEBACK);
        assertThat(run.crash().site()).isEqualTo(new CrashSite(script.toString(), 4, "read_rail"));
        assertThat(run.crash().traceback()).startsWith("Fatal Python error: Segmentation fault")
            .contains("line 7 in <module>");
      }
      MessageValidator validator = new MessageValidator();
      assertThat(monitor.all()).filteredOn(r -> r.event().data() instanceof RunFinished).isNotEmpty()
          .allSatisfy(r -> assertThat(validator.validate(r.payload(), station.stationId)).as(r.topic())
              .isInstanceOf(Validation.Valid.class));
      assertThat(monitor.logLines(published.runId(), LogStream.STDERR))
          .contains("Fatal Python error: Segmentation fault")
          .anyMatch(l -> l.contains("line 4 in read_rail"));
      assertThat(Files.readString(station.runDir(published.runId()).resolve("stderr.log")))
          .contains("File \"" + script + "\", line 4 in read_rail");
      assertThat(monitor.logLines(published.runId(), LogStream.AGENT))
          .anyMatch(l -> l.contains("crash forensics: PYTHON_TRACEBACK at " + script + ":4 in read_rail"));
    }
  }

  @Test
  void with_forensics_turned_off_a_python_segfault_leaves_no_traceback_and_no_core(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    String python = RequiredTools.require("python3").toString();
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          pythonFaultHandler: false
          coreDumps: false
          gdb: ""
        """);
    Path script = station.script("psu_test.py", "import ctypes\nctypes.c_int.from_address(0).value\n");

    TestStation.Result result = station.run("SN-PYSEGV-OFF", "--", python, script.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
    RunFinished run = storedRun(station);
    assertThat(run.crash().kind()).isEqualTo(CrashKind.NONE);
    assertThat(run.crash().reason()).isEqualTo(
        "no core: forensics.coreDumps is off; forensics.pythonFaultHandler is off");
    assertThat(Files.readString(station.runDir(run.runId()).resolve("stderr.log"))).doesNotContain("Fatal Python");
    assertThat(station.runDir(run.runId()).resolve("core")).doesNotExist();
    assertThat(tmp.resolve("core")).doesNotExist();
  }

  @Test
  void python_program_hanging_in_a_loop_times_out_with_the_loop_line_as_its_site(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    String python = RequiredTools.require("python3").toString();
    TestStation station = new TestStation(tmp, broker, null);
    Path script = station.script("wait_for_dut.py", """
        def wait_for_ready():
            while True: pass

        wait_for_ready()
        """);

    TestStation.Result result = station.run("SN-PYHANG-1", "--timeout", "1s", "--", python, script.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.TIMEOUT);
    RunFinished run = storedRun(station);
    assertThat(run.outcome()).isEqualTo(RunOutcome.TIMEOUT);
    assertThat(run.crash().kind()).isEqualTo(CrashKind.PYTHON_TRACEBACK);
    assertThat(run.crash().site()).isEqualTo(new CrashSite(script.toString(), 2, "wait_for_ready"));
    assertThat(run.crash().traceback()).startsWith("Fatal Python error: Aborted");
  }

  @Test
  void program_ignoring_sigabrt_and_sigterm_is_still_killed_within_timeout_and_both_graces(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    String python = RequiredTools.require("python3").toString();
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          hangGrace: 1s
        """);
    Path script = station.script("stubborn.py", """
        import signal, time
        signal.signal(signal.SIGABRT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ignoring", flush=True)
        while True:
            time.sleep(0.05)
        """);

    TestStation.Result result = station.run("SN-STUBBORN-1", "--timeout", "1s", "--", python, script.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.TIMEOUT);
    RunFinished run = storedRun(station);
    // timeout 1 s + hangGrace 1 s + killGrace 1 s (TestStation), plus start-up and the kill itself
    assertThat(run.durationMs()).isLessThan(3000 + 1500);
    assertThat(run.signal()).isEqualTo("SIGKILL");
    assertThat(run.crash().kind()).isEqualTo(CrashKind.NONE);
    assertThat(run.crash().reason()).contains("SIGKILL writes no core");
    assertThat(Files.readString(station.runDir(run.runId()).resolve("merged.log")))
        .contains("SIGABRT to Python process(es)", "still running PT1S after SIGABRT");
  }

  @Test
  void native_null_dereference_keeps_the_core_and_gdb_names_the_function(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    RequiredTools.require("gdb");
    TestStation station = new TestStation(tmp, broker, null);
    Path program = compile(tmp, "fixture_probe", CRASHING_C);

    TestStation.Result result = station.run("SN-CSEGV-1", "--", program.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
    RunFinished run = storedRun(station);
    assertThat(run.signal()).isEqualTo("SIGSEGV");
    if (plainCorePattern()) {
      assertThat(run.crash().coreFile()).isEqualTo("core");
      assertThat(station.runDir(run.runId()).resolve("core")).isRegularFile();
      assertThat(run.crash().kind()).isEqualTo(CrashKind.NATIVE_BACKTRACE);
      assertThat(run.crash().site()).isEqualTo(new CrashSite("fixture_probe.c", 3, "read_fixture_id"));
      assertThat(run.crash().traceback()).contains("read_fixture_id", "main");
      assertThat(Files.list(tmp).map(p -> p.getFileName().toString())).doesNotContain("core");
    } else {
      // this machine's core_pattern gives the agent no core (a pipe without coredumpctl, or a pattern it cannot
      // resolve): the reason is what the run records
      assertThat(run.crash().kind()).isEqualTo(CrashKind.NONE);
      assertThat(run.crash().reason()).contains("core_pattern");
    }
  }

  @Test
  void native_crash_without_gdb_keeps_the_core_and_records_why_there_is_no_backtrace(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          gdb: gdb-absent-from-path
        """);
    Path program = compile(tmp, "fixture_probe", CRASHING_C);

    TestStation.Result result = station.run("SN-CSEGV-2", "--", program.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
    RunFinished run = storedRun(station);
    assertThat(run.crash().kind()).isEqualTo(CrashKind.NONE);
    if (plainCorePattern()) {
      assertThat(run.crash().coreFile()).isEqualTo("core");
      assertThat(station.runDir(run.runId()).resolve("core")).isRegularFile();
      assertThat(run.crash().reason())
          .isEqualTo("no backtrace: gdb-absent-from-path (forensics.gdb) is not installed or not on PATH; "
              + "the core is kept in the run directory");
    } else {
      assertThat(run.crash().reason()).contains("core_pattern");
    }
  }

  @Test
  void a_core_reaching_the_size_cap_is_deleted_with_the_reason(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          coreMaxBytes: 16KiB
        """);
    Path program = compile(tmp, "fixture_probe", CRASHING_C);

    TestStation.Result result = station.run("SN-CSEGV-3", "--", program.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
    RunFinished run = storedRun(station);
    assertThat(run.crash().coreFile()).isNull();
    assertThat(station.runDir(run.runId()).resolve("core")).doesNotExist();
    assertThat(tmp.resolve("core")).doesNotExist();
    if (plainCorePattern()) {
      assertThat(run.crash().reason()).contains("forensics.coreMaxBytes 16384");
    } else {
      assertThat(run.crash().reason()).contains("core_pattern");
    }
  }

  @Test
  void a_kept_core_older_than_keep_cores_for_is_deleted_at_the_next_agent_start_and_the_run_directory_stays(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(plainCorePattern(), "this machine's core_pattern gives the agent no core file");
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          gdb: ""
          keepCoresFor: 2d
        """);
    Path program = compile(tmp, "fixture_probe", CRASHING_C);
    assertThat(station.run("SN-CORE-OLD", "--", program.toString()).exitCode()).isEqualTo(AgentExitCodes.CRASHED);
    Path oldRun = station.runDirs().get(0);
    Path oldCore = oldRun.resolve("core");
    assertThat(oldCore).isRegularFile();
    Files.setLastModifiedTime(oldCore, FileTime.from(Instant.now().minus(Duration.ofDays(3))));

    // the next start deletes the core three days old and nothing else of its run directory
    assertThat(station.run("SN-CORE-NEW", "--", program.toString()).exitCode()).isEqualTo(AgentExitCodes.CRASHED);

    assertThat(oldCore).doesNotExist();
    assertThat(oldRun.resolve("run.json")).isRegularFile();
    assertThat(oldRun.resolve("stderr.log")).exists();
    Path newCore = station.runDirs().stream().filter(d -> !d.equals(oldRun)).findFirst().orElseThrow()
        .resolve("core");
    assertThat(newCore).isRegularFile();
    // a start within keepCoresFor keeps it
    TestStation.Result third = station.run("SN-CORE-PASS", "--", "true");
    assertThat(third.exitCode()).as(third.err()).isZero();
    assertThat(newCore).isRegularFile();
  }

  @Test
  void native_program_hanging_in_two_threads_times_out_with_the_stacks_of_both(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    RequiredTools.require("gdb");
    TestStation station = new TestStation(tmp, broker, null);
    Path program = compile(tmp, "burn_in", """
        #include <pthread.h>
        #include <stdio.h>
        static volatile long ticks;
        static void *spin_worker(void *arg) { for (;;) { ticks++; } return arg; }
        static void wait_forever(void) { for (;;) { ticks--; } }
        int main(void) {
          pthread_t worker;
          pthread_create(&worker, NULL, spin_worker, NULL);
          printf("burning in\\n");
          fflush(stdout);
          wait_forever();
          return 0;
        }
        """, "-pthread");

    TestStation.Result result = station.run("SN-CHANG-1", "--timeout", "1s", "--", program.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.TIMEOUT);
    RunFinished run = storedRun(station);
    assertThat(run.outcome()).isEqualTo(RunOutcome.TIMEOUT);
    assertThat(run.crash().kind()).isEqualTo(CrashKind.NATIVE_BACKTRACE);
    assertThat(run.crash().site()).isEqualTo(new CrashSite("burn_in.c", 5, "wait_forever"));
    assertThat(run.crash().traceback()).contains("Thread 1 ", "Thread 2 ", "spin_worker", "wait_forever");
  }

  private static final String CRASHING_C = """
      #include <stdio.h>
      static int read_fixture_id(volatile int *fixture) {
        return *fixture;
      }
      int main(void) {
        printf("probing fixture\\n");
        fflush(stdout);
        return read_fixture_id(NULL);
      }
      """;

  /** Compiles {@code source} with debug information into {@code dir/name}. */
  private static Path compile(Path dir, String name, String source, String... flags) throws Exception {
    Path gcc = RequiredTools.require("gcc");
    Path c = dir.resolve(name + ".c");
    Files.writeString(c, source);
    Path binary = dir.resolve(name);
    List<String> command = new java.util.ArrayList<>(List.of(gcc.toString(), "-g", "-O0", "-o", binary.toString(),
        c.getFileName().toString()));
    command.addAll(List.of(flags));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return binary;
  }

  /** Whether this machine's core_pattern writes a file the agent can find (not a pipe, only %p, %e, %%). */
  private static boolean plainCorePattern() throws IOException {
    String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
    return !pattern.isEmpty() && !pattern.startsWith("|") && pattern.replaceAll("%[pe%]", "").indexOf('%') < 0;
  }

  private static RunFinished storedRun(TestStation station) throws IOException {
    List<Path> dirs = station.runDirs();
    assertThat(dirs).hasSize(1);
    JsonNode doc = EventJson.mapper().readTree(dirs.get(0).resolve("run.json").toFile());
    return EventJson.mapper().treeToValue(doc.get("run"), RunFinished.class);
  }

  private static RunFinished storedRun(TestStation station, RunFinished published) throws IOException {
    JsonNode doc = EventJson.mapper().readTree(station.runDir(published.runId()).resolve("run.json").toFile());
    return EventJson.mapper().treeToValue(doc.get("run"), RunFinished.class);
  }
}
