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
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.RunAttachment;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploading a kept core or Windows minidump as run.attachment chunks, with a real agent and mosquitto: a C program
 * compiled here that dereferences NULL (needs a plain {@code core_pattern}), and a Python program that writes a
 * WER-named minidump into the configured folder and aborts.
 */
@ExtendWith(RealBrokers.class)
class CrashUploadIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  @Test
  void with_uploads_on_the_core_goes_up_after_run_finished_in_chunks_whose_bytes_hash_to_the_kept_core(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    assumePlainCorePattern();
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          uploadCores: true
        """);
    Path program = compile(tmp, "fixture_probe");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-UPLOAD-1", "--", program.toString());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
      RunFinished run = storedRun(station);
      assertThat(run.crash().coreFile()).isEqualTo("core");
      assertThat(run.crash().uploaded()).containsExactly("core");
      Path core = station.runDir(run.runId()).resolve("core");
      assertThat(core).isRegularFile();
      await().atMost(DELIVERY).until(() -> complete(monitor));
      List<Event<RunAttachment>> chunks = monitor.distinct(RunAttachment.class);
      assertThat(chunks).allSatisfy(c -> {
        assertThat(c.data().runId()).isEqualTo(run.runId());
        assertThat(c.data().mediaType()).isEqualTo("application/x-coredump");
      });
      assertThat(chunks.get(0).data().chunks()).isEqualTo(RunAttachment.chunksFor(Files.size(core)));
      byte[] bytes = reassemble(chunks);
      assertThat(bytes).hasSize((int) Files.size(core));
      assertThat(sha256(bytes)).isEqualTo(sha256(Files.readAllBytes(core))).isEqualTo(chunks.get(0).data().sha256());
      long finishedSeq = monitor.finished(f -> true).get(0).seq();
      assertThat(chunks).allSatisfy(c -> assertThat(c.seq()).isGreaterThan(finishedSeq));
      assertThat(monitor.all()).filteredOn(r -> r.event().type() == MessageType.RUN_ATTACHMENT)
          .allSatisfy(r -> assertThat(r.topic()).endsWith("/logs"));
    }
  }

  @Test
  void with_uploads_off_no_chunk_is_published_and_the_core_stays_in_the_run_directory(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    assumePlainCorePattern();
    TestStation station = new TestStation(tmp, broker, null);
    Path program = compile(tmp, "fixture_probe");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-UPLOAD-2", "--", program.toString());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
      RunFinished run = storedRun(station);
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      assertThat(monitor.count(MessageType.RUN_ATTACHMENT)).isZero();
      assertThat(run.crash().uploaded()).isNull();
      assertThat(station.runDir(run.runId()).resolve("core")).isRegularFile();
    }
  }

  @Test
  void a_core_over_the_upload_limit_is_not_uploaded_the_reason_says_so_and_the_run_is_still_crashed(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    assumePlainCorePattern();
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          uploadCores: true
          uploadMaxBytes: 1KiB
        """);
    Path program = compile(tmp, "fixture_probe");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-UPLOAD-3", "--", program.toString());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished published = monitor.finished(f -> true).get(0).data();
      assertThat(published.outcome()).isEqualTo(RunOutcome.CRASHED);
      assertThat(published.crash().uploaded()).isNull();
      // the reason may begin with what gdb added (its absence, or a failed backtrace)
      assertThat(published.crash().reason()).containsPattern(
          "(^|; )core not uploaded: \\d+ bytes is over forensics.uploadMaxBytes 1024; kept in the run directory$");
      assertThat(station.runDir(published.runId()).resolve("core")).isRegularFile();
      assertThat(monitor.count(MessageType.RUN_ATTACHMENT)).isZero();
    }
  }

  @Test
  void a_minidump_wer_wrote_for_the_program_is_kept_named_in_the_crash_section_and_uploaded_old_and_foreign_ignored(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    String python = RequiredTools.require("python3").toString();
    Path dumps = Files.createDirectories(tmp.resolve("dumps"));
    Path old = Files.writeString(dumps.resolve("python3.1.dmp"), "an old dump");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Files.writeString(dumps.resolve("other.exe.999999999.dmp"), "a dump of another process");
    TestStation station = new TestStation(tmp, broker, """
        forensics:
          pythonFaultHandler: false
          coreDumps: false
          uploadCores: true
          minidumpDir: %s
        """.formatted(dumps));
    Path script = station.script("wer_crash.py", """
        import os, sys
        with open(os.path.join(sys.argv[1], "python3.%d.dmp" % os.getpid()), "wb") as f:
            f.write(b"MDMP" + bytes(range(256)) * 40)
        os.abort()
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-MDMP-1", "--", python, script.toString(), dumps.toString());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.CRASHED);
      RunFinished run = storedRun(station);
      assertThat(run.crash().kind()).isEqualTo(CrashKind.MINIDUMP);
      assertThat(run.crash().minidumpFile()).matches("python3\\.\\d+\\.dmp");
      Path kept = station.runDir(run.runId()).resolve(run.crash().minidumpFile());
      assertThat(Files.readAllBytes(kept)).startsWith("MDMP".getBytes()).hasSize(4 + 256 * 40);
      assertThat(run.crash().uploaded()).containsExactly(run.crash().minidumpFile());
      await().atMost(DELIVERY).until(() -> complete(monitor));
      List<Event<RunAttachment>> chunks = monitor.distinct(RunAttachment.class);
      assertThat(chunks).extracting(c -> c.data().name()).containsOnly(run.crash().minidumpFile());
      assertThat(chunks.get(0).data().mediaType()).isEqualTo("application/x-dmp");
      assertThat(reassemble(chunks)).isEqualTo(Files.readAllBytes(kept));
      try (var files = Files.list(station.runDir(run.runId()))) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("python3.1.")
            || n.startsWith("other.exe"));
      }
    }
  }

  private static boolean complete(EventCollector monitor) {
    List<Event<RunAttachment>> chunks = monitor.distinct(RunAttachment.class);
    return !chunks.isEmpty() && chunks.stream().map(c -> c.data().chunk()).distinct().count()
        == chunks.get(0).data().chunks();
  }

  private static byte[] reassemble(List<Event<RunAttachment>> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    chunks.stream().map(Event::data).sorted(Comparator.comparingInt(RunAttachment::chunk)).distinct()
        .forEach(c -> out.writeBytes(Base64.getDecoder().decode(c.data())));
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
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

  private static Path compile(Path dir, String name) throws Exception {
    Path gcc = RequiredTools.require("gcc");
    Files.writeString(dir.resolve(name + ".c"), CRASHING_C);
    Path binary = dir.resolve(name);
    Process p = new ProcessBuilder(gcc.toString(), "-g", "-O0", "-o", binary.toString(), name + ".c")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return binary;
  }

  /** The core tests need a core_pattern that writes a file the agent finds (CrashForensicsIT covers the rest). */
  private static void assumePlainCorePattern() throws IOException {
    String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
    Assumptions.assumeTrue(!pattern.isEmpty() && !pattern.startsWith("|")
        && pattern.replaceAll("%[pe%]", "").indexOf('%') < 0, "core_pattern " + pattern + " gives no core file");
  }

  private static RunFinished storedRun(TestStation station) throws IOException {
    List<Path> dirs = station.runDirs();
    assertThat(dirs).hasSize(1);
    JsonNode doc = EventJson.mapper().readTree(dirs.get(0).resolve("run.json").toFile());
    return EventJson.mapper().treeToValue(doc.get("run"), RunFinished.class);
  }
}
