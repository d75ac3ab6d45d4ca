package io.testline.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @Test
  void refuses_to_serve_the_api_open_on_every_address_with_exit_78_naming_the_key(@TempDir Path dir)
      throws Exception {
    Path config = Files.writeString(dir.resolve("consumer.yaml"), """
        kafka:
          bootstrapServers: 127.0.0.1:1
        db:
          url: jdbc:postgresql://127.0.0.1:1/none
        http:
          host: 0.0.0.0
        """);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = Main.execute("run", "--config", config.toString());
    } finally {
      System.setErr(err);
    }
    assertThat(code).isEqualTo(Main.EXIT_CONFIG).isEqualTo(78);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("configuration error: http.host: \"0.0.0.0\" is not a loopback address");
  }
}
