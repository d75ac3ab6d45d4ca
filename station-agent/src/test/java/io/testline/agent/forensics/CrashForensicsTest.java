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
}
