package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taking WER's minidump of the program from the LocalDumps folder. */
class MinidumpsTest {
  private static final Instant START = Instant.now().minusSeconds(10);

  @Test
  void the_dump_of_a_known_pid_written_after_the_start_is_copied_others_are_left(@TempDir Path dumps,
      @TempDir Path run) throws Exception {
    Files.writeString(dumps.resolve("ict runner.exe.4242.dmp"), "mine");
    Files.writeString(dumps.resolve("ict runner.exe.77.dmp"), "a foreign process");
    Path old = Files.writeString(dumps.resolve("ict runner.exe.4243.dmp"), "older than the run");
    Files.setLastModifiedTime(old, FileTime.from(START.minus(Duration.ofMinutes(5))));

    Minidumps.Kept kept = new Minidumps(dumps, 1 << 20).keep(Set.of(4242L, 4243L), START, run);

    assertThat(kept).isEqualTo(new Minidumps.Kept("ict_runner.exe.4242.dmp", null));
    assertThat(run.resolve("ict_runner.exe.4242.dmp")).hasContent("mine");
    assertThat(dumps.resolve("ict runner.exe.4242.dmp")).exists();
    try (var files = Files.list(run)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void no_dump_is_no_reason_and_a_dump_over_the_cap_or_a_missing_folder_is_one(@TempDir Path dumps,
      @TempDir Path run) throws Exception {
    assertThat(new Minidumps(dumps, 1 << 20).keep(Set.of(1L), START, run)).isEqualTo(new Minidumps.Kept(null, null));

    Files.write(dumps.resolve("probe.exe.5.dmp"), new byte[100]);
    assertThat(new Minidumps(dumps, 10).keep(Set.of(5L), START, run).reason())
        .contains("100 bytes not kept: over forensics.coreMaxBytes 10");
    assertThat(new Minidumps(dumps.resolve("absent"), 10).keep(Set.of(5L), START, run).reason())
        .startsWith("cannot read forensics.minidumpDir");
  }
}
