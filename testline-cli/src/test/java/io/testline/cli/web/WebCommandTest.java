package io.testline.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WebCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new WebCommand());
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void refuses_a_non_loopback_address_without_login_with_exit_78_naming_the_keys() {
    assertThat(run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--host", "0.0.0.0")).isEqualTo(78);
    assertThat(err.toString()).contains("configuration error: web.host (--host): \"0.0.0.0\" is not a loopback "
        + "address and no authentication is configured; set web.authToken or web.users");
  }

  @Test
  void names_the_bad_access_key_of_the_config_file(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("web.yaml"),
        "web:\n  users: [\"alice:not-a-hash\"]\n");
    assertThat(run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--config", file.toString())).isEqualTo(78);
    assertThat(err.toString()).contains("web.users: the password of user \"alice\" is not a bcrypt hash")
        .doesNotContain("not-a-hash");
  }

  @Test
  void names_the_bad_shift_time() {
    assertThat(run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--shifts", "06:00,2pm")).isEqualTo(2);
    assertThat(err.toString()).contains("--shifts: \"2pm\" is not a time");
  }
}
