package io.testline.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.agent.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRequestTest {

  private static RunRequest request(String serial) {
    return new RunRequest(List.of(serial), null, null, null, null, 1, null, null, null, null, List.of("true"),
        Path.of("."), null);
  }

  @Test
  void a_serial_the_contract_refuses_is_refused_before_anything_runs() {
    assertThat(request("SN-1 ünï 😀").serialNumbers()).containsExactly("SN-1 ünï 😀");
    assertThat(request("x".repeat(128)).serialNumbers()).hasSize(1);
    assertThatThrownBy(() -> request("SN\u001d01")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+001D at 2").hasMessageContaining("\"SN?01\"");
    assertThatThrownBy(() -> request("SN-1\r")).hasMessageContaining("U+000D");
    assertThatThrownBy(() -> request("a\u0000b")).hasMessageContaining("U+0000");
    assertThatThrownBy(() -> request("x".repeat(129))).hasMessageContaining("longer than 128");
  }

  @Test
  void the_run_command_refuses_such_a_serial_as_a_usage_error_naming_the_option() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "run", "-c", "/nonexistent/agent.yaml",
        "--serial", "SN\u001d01", "--", "true");
    assertThat(code).as(err.toString()).isEqualTo(AgentExitCodes.USAGE);
    assertThat(err.toString()).contains("--serial: serial number \"SN?01\" holds the control character U+001D");
  }
}
