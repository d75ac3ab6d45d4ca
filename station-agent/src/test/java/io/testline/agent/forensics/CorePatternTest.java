package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CorePatternTest {
  private static final Path CWD = Path.of("/work/station");

  @Test
  void a_plain_relative_pattern_is_a_file_in_the_programs_working_directory() {
    assertThat(new CorePattern("core", false).file(CWD, 4242, "probe")).contains(CWD.resolve("core"));
    assertThat(new CorePattern("core", true).file(CWD, 4242, "probe")).contains(CWD.resolve("core.4242"));
  }

  @Test
  void pid_and_executable_name_are_resolved_and_an_absolute_pattern_is_kept() {
    CorePattern pattern = new CorePattern("/var/crash/core.%e.%p.%%", true);

    assertThat(pattern.file(CWD, 7, "a_very_long_program_name"))
        .contains(Path.of("/var/crash/core.a_very_long_pro.7.%"));
    assertThat(pattern.unresolvable()).isNull();
  }

  @Test
  void a_pipe_an_unknown_specifier_or_an_empty_pattern_gives_a_reason_instead_of_a_file() {
    CorePattern pipe = new CorePattern("|/lib/systemd/systemd-coredump %P %u %g %s %t %c %h", false);
    assertThat(pipe.pipe()).isTrue();
    assertThat(pipe.file(CWD, 1, "x")).isEmpty();
    assertThat(pipe.unresolvable()).isEqualTo("core_pattern pipes cores to /lib/systemd/systemd-coredump");

    CorePattern timed = new CorePattern("core.%t", false);
    assertThat(timed.file(CWD, 1, "x")).isEmpty();
    assertThat(timed.unresolvable()).contains("%t");

    assertThat(new CorePattern("", false).unresolvable()).contains("empty");
  }
}
