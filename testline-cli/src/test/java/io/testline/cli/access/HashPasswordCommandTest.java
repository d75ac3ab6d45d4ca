package io.testline.cli.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.access.AccessConfig;
import io.testline.access.Authenticator;
import io.testline.config.ConfigSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HashPasswordCommandTest {
  @Test
  void prints_a_users_line_that_the_access_model_accepts_for_that_password() {
    StringWriter out = new StringWriter();
    InputStream in = System.in;
    int code;
    try {
      System.setIn(new ByteArrayInputStream("a-long-password\n".getBytes(StandardCharsets.UTF_8)));
      CommandLine cli = new CommandLine(new HashPasswordCommand());
      cli.setOut(new PrintWriter(out));
      code = cli.execute("--cost", "10", "alice");
    } finally {
      System.setIn(in);
    }
    assertThat(code).isZero();
    String line = out.toString().strip();
    assertThat(line).startsWith("alice:$2y$10$").doesNotContain("a-long-password");
    Authenticator auth = new Authenticator(AccessConfig.load(ConfigSource.of(Map.of("web.users", line)), "web"));
    assertThat(auth.login("alice", "a-long-password")).isPresent();
    assertThat(auth.login("alice", "another-password")).isEmpty();
  }
}
