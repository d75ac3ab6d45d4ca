package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.agent.config.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent changes about the program's start: its environment and its core size limit. */
class CrashForensicsTest {
  private static AgentConfig.Forensics config(boolean python, boolean cores) {
    return new AgentConfig.Forensics(python, Duration.ofSeconds(2), cores, 1L << 20, "gdb", Duration.ofSeconds(5),
        16384);
  }

  private static CrashForensics forensics(AgentConfig.Forensics config, Path bin) {
    return new CrashForensics(config, new Tools(bin.toString()), () -> new CorePattern("core", false), true);
  }

  @Test
  void python_programs_get_pythonfaulthandler_unless_turned_off(@TempDir Path bin) {
    assertThat(forensics(config(true, true), bin).childEnvironment()).isEqualTo(Map.of("PYTHONFAULTHANDLER", "1"));
    assertThat(forensics(config(false, true), bin).childEnvironment()).isEmpty();
  }

  @Test
  void a_found_program_is_started_through_a_shell_raising_its_soft_core_limit_to_the_cap(@TempDir Path bin)
      throws Exception {
    Path probe = Files.createFile(bin.resolve("probe"));
    probe.toFile().setExecutable(true);

    List<String> command = forensics(config(true, true), bin).command(List.of("probe", "--slot", "2"), bin);

    assertThat(command).containsExactly("/bin/sh", "-c",
        "ulimit -S -c 2048 2>/dev/null || ulimit -S -c \"$(ulimit -H -c)\"; exec \"$@\"",
        CrashForensics.CORE_WRAPPER_NAME, "probe", "--slot", "2");
    assertThat(forensics(config(true, true), bin).executable(List.of("./probe"), bin)).isEqualTo(probe);
  }

  @Test
  void without_core_dumps_or_when_the_program_is_not_found_the_command_is_unchanged(@TempDir Path bin)
      throws Exception {
    Files.createFile(bin.resolve("probe")).toFile().setExecutable(true);

    assertThat(forensics(config(true, false), bin).command(List.of("probe"), bin)).containsExactly("probe");
    assertThat(forensics(config(true, true), bin).command(List.of("no-such-program"), bin))
        .containsExactly("no-such-program");
  }

  @Test
  void a_minidump_gives_a_run_without_a_crash_section_one_and_a_section_without_evidence_its_kind(
      @TempDir Path dumps, @TempDir Path run) throws Exception {
    java.nio.file.Files.writeString(dumps.resolve("probe.exe.4242.dmp"), "MDMP");
    CrashForensics forensics = forensics(config(true, true).withMinidumpDir(dumps), run);
    CrashForensics.Subject subject = new CrashForensics.Subject(4242, null, run,
        java.time.Instant.now().minusSeconds(5));

    io.testline.schemas.Crash exitedNonZero = forensics.withMinidump(null, run, subject, java.util.Set.of(4242L));
    io.testline.schemas.Crash noEvidence = forensics.withMinidump(
        io.testline.schemas.Crash.none("SIGABRT writes no core"), run, subject, java.util.Set.of(4242L));

    assertThat(exitedNonZero.kind()).isEqualTo(io.testline.schemas.CrashKind.MINIDUMP);
    assertThat(exitedNonZero.minidumpFile()).isEqualTo("probe.exe.4242.dmp");
    assertThat(noEvidence.kind()).isEqualTo(io.testline.schemas.CrashKind.MINIDUMP);
    assertThat(noEvidence.reason()).isEqualTo("SIGABRT writes no core");
    assertThat(run.resolve("probe.exe.4242.dmp")).hasContent("MDMP");
    assertThat(forensics(config(true, true), run).withMinidump(null, run, subject, java.util.Set.of(4242L)))
        .isNull();
  }
}
