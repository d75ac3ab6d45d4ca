package io.testline.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminationTest {
  @Test
  void exit_value_139_is_read_as_death_by_sigsegv_with_core() {
    Termination t = Termination.fromExitValue(139);
    assertThat(t.bySignal()).isTrue();
    assertThat(t.signalName()).isEqualTo("SIGSEGV");
    assertThat(t.coreDumped()).isTrue();
    assertThat(t.exitCode()).isNull();
    assertThat(t.describe()).isEqualTo("killed by SIGSEGV (core dumped)");
  }

  @Test
  void ordinary_exit_codes_stay_exit_codes() {
    assertThat(Termination.fromExitValue(0).exitCode()).isZero();
    assertThat(Termination.fromExitValue(3).bySignal()).isFalse();
    assertThat(Termination.fromExitValue(200).exitCode()).isEqualTo(200);
  }

  @Test
  void sigterm_does_not_dump_core() {
    assertThat(Termination.fromExitValue(143).signalName()).isEqualTo("SIGTERM");
    assertThat(Termination.fromExitValue(143).coreDumped()).isFalse();
  }
}
