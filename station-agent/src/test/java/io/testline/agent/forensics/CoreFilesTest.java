package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and keeping a core file, with core files written here instead of by the kernel. */
class CoreFilesTest {
  private static final Instant START = Instant.now();

  private static CoreFiles files(String pattern, long maxBytes, Path bin) {
    return new CoreFiles(new CorePattern(pattern, false), maxBytes, new Tools(bin.toString()),
        Duration.ofSeconds(10));
  }

  @Test
  void a_core_in_the_working_directory_is_moved_into_the_run_directory(@TempDir Path tmp) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.write(work.resolve("core.42"), new byte[1000]);

    CoreFiles.Kept kept = files("core.%p", 1 << 20, tmp).keep(run, work, 42, "probe", START);

    assertThat(kept.core()).isEqualTo(run.resolve("core"));
    assertThat(run.resolve("core")).hasSize(1000);
    assertThat(work.resolve("core.42")).doesNotExist();
    assertThat(kept.reason()).isNull();
  }

  @Test
  void a_core_older_than_the_run_is_not_taken(@TempDir Path tmp) throws Exception {
    Path old = Files.write(tmp.resolve("core"), new byte[10]);
    Files.setLastModifiedTime(old, FileTime.from(START.minusSeconds(3600)));

    CoreFiles.Kept kept = files("core", 1 << 20, tmp).keep(Files.createDirectories(tmp.resolve("run")), tmp, 7,
        "probe", START);

    assertThat(kept.core()).isNull();
    assertThat(kept.reason()).startsWith("no core file at " + tmp.resolve("core"));
    assertThat(old).exists();
  }

  @Test
  void a_core_at_the_cap_is_deleted_with_the_reason(@TempDir Path tmp) throws Exception {
    Files.write(tmp.resolve("core"), new byte[8192]);

    CoreFiles.Kept kept = files("core", 8192, tmp).keep(Files.createDirectories(tmp.resolve("run")), tmp, 7,
        "probe", START);

    assertThat(kept.core()).isNull();
    assertThat(kept.reason()).isEqualTo("core of 8192 bytes deleted: it reached forensics.coreMaxBytes 8192 "
        + "(the kernel cuts a core at the limit)");
    assertThat(tmp.resolve("core")).doesNotExist();
  }

  @Test
  void a_piped_core_is_read_back_with_coredumpctl_when_installed(@TempDir Path tmp) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path coredumpctl = bin.resolve("coredumpctl");
    // records its arguments and writes a core where --output says
    Files.writeString(coredumpctl, """
        #!/bin/sh
        echo "$@" > "%s"
        while [ $# -gt 1 ]; do [ "$1" = --output ] && printf core-bytes > "$2"; shift; done
        """.formatted(tmp.resolve("args")));
    coredumpctl.toFile().setExecutable(true);
    Path run = Files.createDirectories(tmp.resolve("run"));

    CoreFiles.Kept kept = files("|/lib/systemd/systemd-coredump %P", 1 << 20, bin).keep(run, tmp, 4242, "probe",
        START);

    assertThat(kept.core()).isEqualTo(run.resolve("core"));
    assertThat(Files.readString(run.resolve("core"))).isEqualTo("core-bytes");
    assertThat(Files.readString(tmp.resolve("args")).strip())
        .isEqualTo("--no-pager dump 4242 --output " + run.resolve("core"));
  }

  @Test
  void a_piped_core_without_coredumpctl_is_a_reason(@TempDir Path tmp) throws Exception {
    CoreFiles.Kept kept = files("|/usr/share/apport/apport %p", 1 << 20, tmp)
        .keep(Files.createDirectories(tmp.resolve("run")), tmp, 7, "probe", START);

    assertThat(kept.core()).isNull();
    assertThat(kept.reason())
        .isEqualTo("core_pattern pipes cores to /usr/share/apport/apport and coredumpctl is not installed");
  }
}
