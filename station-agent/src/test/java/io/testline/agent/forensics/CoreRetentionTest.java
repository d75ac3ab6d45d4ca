package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void only_cores_older_than_the_retention_are_deleted_and_the_rest_of_each_run_directory_stays(@TempDir Path runs)
      throws Exception {
    Path old = run(runs, "old", Duration.ofDays(15), 1000);
    Path recent = run(runs, "recent", Duration.ofDays(13), 500);
    Path target = Files.writeString(runs.resolve("elsewhere.bin"), "not a core");
    Path linked = Files.createDirectories(runs.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("core"), target);
    Files.setLastModifiedTime(target, FileTime.from(NOW.minus(Duration.ofDays(30))));

    long freed = new CoreRetention(runs, Duration.ofDays(14), CLOCK).deleteExpired();

    assertThat(freed).isEqualTo(1000);
    assertThat(old.resolve("core")).doesNotExist();
    assertThat(old.resolve("stdout.log")).hasContent("probing fixture");
    assertThat(recent.resolve("core")).isRegularFile();
    assertThat(target).as("a link named core is not followed").exists();
  }

  @Test
  void a_station_without_run_directories_yet_has_nothing_to_delete(@TempDir Path dataDir) {
    assertThat(new CoreRetention(dataDir.resolve("runs"), Duration.ofDays(14), CLOCK).deleteExpired()).isZero();
  }

  private static Path run(Path runs, String name, Duration age, int coreBytes) throws Exception {
    Path dir = Files.createDirectories(runs.resolve(name));
    Files.writeString(dir.resolve("stdout.log"), "probing fixture");
    Path core = Files.write(dir.resolve("core"), new byte[coreBytes]);
    Files.setLastModifiedTime(core, FileTime.from(NOW.minus(age)));
    return dir;
  }
}
