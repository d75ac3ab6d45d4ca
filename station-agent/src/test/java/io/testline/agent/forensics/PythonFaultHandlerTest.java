package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import org.junit.jupiter.api.Test;

class PythonFaultHandlerTest {
  private static final String SEGFAULT = """
      Fatal Python error: Segmentation fault

      Current thread 0x00007fb49aa57b80 (most recent call first):
        File "/opt/tests/psu.py", line 3 in read_rail
        File "/opt/tests/psu.py", line 9 in <module>
      """;

  @Test
  void the_innermost_frame_of_the_current_thread_is_the_site_and_the_block_the_traceback() {
    Crash crash = PythonFaultHandler.parse("measuring\n" + SEGFAULT, 16384).orElseThrow();

    assertThat(crash.kind()).isEqualTo(CrashKind.PYTHON_TRACEBACK);
    assertThat(crash.site()).isEqualTo(new CrashSite("/opt/tests/psu.py", 3, "read_rail"));
    assertThat(crash.traceback()).isEqualTo(SEGFAULT);
    assertThat(crash.reason()).isNull();
  }

  @Test
  void with_several_threads_the_current_one_gives_the_site() {
    String stderr = """
        Fatal Python error: Aborted

        Thread 0x00007f00000000a1 (most recent call first):
          File "/usr/lib/python3.11/threading.py", line 320 in wait
          File "/opt/tests/monitor.py", line 12 in poll_psu

        Current thread 0x00007f00000000b2 (most recent call first):
          File "/opt/tests/main.py", line 40 in wait_for_dut
          File "/opt/tests/main.py", line 55 in <module>

        Extension modules: _ctypes (total: 1)
        """;

    Crash crash = PythonFaultHandler.parse(stderr, 16384).orElseThrow();

    assertThat(crash.site()).isEqualTo(new CrashSite("/opt/tests/main.py", 40, "wait_for_dut"));
    assertThat(crash.traceback()).contains("poll_psu", "wait_for_dut");
  }

  @Test
  void only_the_last_block_counts_and_its_traceback_is_bounded() {
    String older = SEGFAULT.replace("read_rail", "older_crash");

    Crash crash = PythonFaultHandler.parse(older + "child restarted\n" + SEGFAULT, 40).orElseThrow();

    assertThat(crash.site().function()).isEqualTo("read_rail");
    assertThat(crash.traceback()).hasSize(40).startsWith("Fatal Python error: Segmentation fault");
  }

  @Test
  void a_block_without_frames_has_no_site_and_says_why() {
    Crash crash = PythonFaultHandler.parse("Fatal Python error: Aborted\n\n<no Python frame>\n", 16384)
        .orElseThrow();

    assertThat(crash.site()).isNull();
    assertThat(crash.reason()).contains("no frame");
  }

  @Test
  void stderr_without_a_block_or_quoting_the_marker_mid_line_is_no_traceback() {
    assertThat(PythonFaultHandler.parse("Traceback (most recent call last):\nValueError: x\n", 16384)).isEmpty();
    assertThat(PythonFaultHandler.parse("log: saw 'Fatal Python error: ' in the DUT's log\n", 16384)).isEmpty();
    assertThat(PythonFaultHandler.parse("", 16384)).isEmpty();
  }

  @Test
  void an_absurd_line_number_is_no_line_rather_than_an_error() {
    Crash crash = PythonFaultHandler.parse(SEGFAULT.replace("line 3 in", "line 99999999999 in"), 16384)
        .orElseThrow();

    assertThat(crash.site()).isEqualTo(new CrashSite("/opt/tests/psu.py", null, "read_rail"));
  }
}
