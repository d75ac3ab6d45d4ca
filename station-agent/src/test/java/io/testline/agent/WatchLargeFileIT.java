package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.agent.config.AgentConfig;
import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Attachment;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import io.testline.schemas.StationBirth;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch --format openhtf} in a real agent JVM with the shipped heap ({@code -Xmx64m}): a 30 MiB OpenHTF record,
 * almost all of it one attachment, is read as a stream and published; a 100 MiB file, over the default
 * {@code watch.maxFileBytes}, is refused at once with the reason.
 */
@ExtendWith(RealBrokers.class)
class WatchLargeFileIT {
  private static final int DATA_BYTES = 22 << 20;

  @Test
  void a_30_mib_openhtf_record_is_published_within_a_64_mib_heap_and_a_100_mib_file_is_refused_with_the_reason(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        watch:
          poll: 200ms
          settle: 0s
        """);
    assertThat(AgentConfig.DEFAULT_WATCH_MAX_FILE_BYTES).as("the default under test").isEqualTo(32L << 20);
    Path folder = Files.createDirectories(tmp.resolve("records"));
    Path staged = Files.createDirectories(tmp.resolve("staged"));
    Path record = writeRecord(staged.resolve("SN-HTF-HUGE.json"));
    Path huge = staged.resolve("0-huge.json");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(100L << 20);
    }
    long recordSize = Files.size(record);
    assertThat(recordSize).isBetween(29L << 20, 30L << 20);

    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), List.of("-Xlog:gc:file=" + tmp.resolve("gc.log")),
             "watch", folder.toString(), "--format", "openhtf", "--config", station.configFile.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.distinct(StationBirth.class).isEmpty());
      long dropped = System.nanoTime();
      Files.move(huge, folder.resolve("0-huge.json"), StandardCopyOption.ATOMIC_MOVE);
      Files.move(record, folder.resolve("SN-HTF-HUGE.json"), StandardCopyOption.ATOMIC_MOVE);

      Path reason = folder.resolve("0-huge.json.rejected.reason.txt");
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(reason));
      long refusedMs = (System.nanoTime() - dropped) / 1_000_000;
      assertThat(Files.readString(reason)).contains("oversize: 104857600 bytes, over watch.maxFileBytes 33554432");
      assertThat(folder.resolve("0-huge.json.rejected")).as("kept whole").hasSize(100L << 20);

      await().atMost(Duration.ofSeconds(60)).until(() -> !monitor.finished(f -> true).isEmpty());
      long publishedMs = (System.nanoTime() - dropped) / 1_000_000;
      RunFinished run = monitor.finished(f -> true).get(0).data();
      assertThat(run.serialNumber()).isEqualTo("SN-HTF-HUGE");
      Attachment dump = run.steps().get(2).attachments().stream().filter(a -> a.name().equals("dump.bin"))
          .findFirst().orElseThrow();
      assertThat(dump.sizeBytes()).isEqualTo(DATA_BYTES);
      assertThat(dump.sha256()).isEqualTo(HexFormat.of().formatHex(digests()[1].digest()));
      assertThat(Path.of(dump.path())).hasSize(DATA_BYTES);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(folder.resolve("SN-HTF-HUGE.json.done")));
      assertThat(agent.output()).contains("rejected: oversize: 104857600 bytes")
          .doesNotContain("OutOfMemoryError");
      String hwm = Files.readAllLines(Path.of("/proc/" + agent.handle().pid() + "/status")).stream()
          .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?");
      long gcs = Files.readAllLines(tmp.resolve("gc.log")).stream().filter(l -> l.contains("Pause")).count();
      System.out.printf("WatchLargeFileIT: %d-byte record published %d ms after the drop, 100 MiB file refused "
          + "after %d ms; agent %s, %d GC pauses; load %.2f%n", recordSize, publishedMs, refusedMs,
          hwm.replaceAll("\\s+", " "), gcs, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage());
      assertThat(agent.stop()).as(agent.output()).isZero();
    }
  }

  /**
   * Writes OpenHTF's failing fixture with a 22 MiB attachment on its third phase, streamed: the base64 goes from a
   * seeded generator through an encoder into the file, never into a string.
   */
  private static Path writeRecord(Path file) throws Exception {
    ObjectNode record = (ObjectNode) EventJson.mapper().readTree(Path.of("src/test/resources/openhtf/fct_fail.json")
        .toFile());
    record.put("dut_id", "SN-HTF-HUGE");
    ObjectNode attachment = ((ObjectNode) record.get("phases").get(2).get("attachments")).putObject("dump.bin");
    attachment.put("mimetype", "application/octet-stream");
    attachment.put("sha1", HexFormat.of().formatHex(digests()[0].digest()));
    attachment.put("data", "@DATA@");
    String[] around = EventJson.mapper().writeValueAsString(record).split("@DATA@");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(around[0].getBytes(StandardCharsets.UTF_8));
      try (OutputStream base64 = Base64.getEncoder().wrap(new FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          flush();
        }
      })) {
        generate((b, n) -> base64.write(b, 0, n));
      }
      out.write(around[1].getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  /** SHA-1 and SHA-256 of the attachment's bytes. */
  private static MessageDigest[] digests() throws Exception {
    MessageDigest[] d = {MessageDigest.getInstance("SHA-1"), MessageDigest.getInstance("SHA-256")};
    generate((b, n) -> {
      d[0].update(b, 0, n);
      d[1].update(b, 0, n);
    });
    return d;
  }

  private interface Chunk {
    void accept(byte[] b, int n) throws IOException;
  }

  private static void generate(Chunk chunk) throws IOException {
    Random random = new Random(30);
    byte[] buffer = new byte[1 << 16];
    for (int left = DATA_BYTES; left > 0; left -= buffer.length) {
      random.nextBytes(buffer);
      chunk.accept(buffer, Math.min(left, buffer.length));
    }
  }
}
