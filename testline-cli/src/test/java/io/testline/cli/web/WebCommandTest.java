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
  void refuses_a_non_loopback_address_while_the_pages_have_no_login() {
    assertThat(run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--host", "0.0.0.0")).isEqualTo(2);
    assertThat(err.toString()).contains("--host: \"0.0.0.0\" is not a loopback address")
        .contains("--allow-unauthenticated");
  }

  @Test
  void names_the_bad_shift_time() {
    assertThat(run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--shifts", "06:00,2pm")).isEqualTo(2);
    assertThat(err.toString()).contains("--shifts: \"2pm\" is not a time");
  }
}
