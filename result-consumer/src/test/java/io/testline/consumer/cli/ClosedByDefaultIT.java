package io.testline.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code result-consumer run} as its own process: closed by default, it refuses to serve the API open. */
class ClosedByDefaultIT {
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
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "run", "--config", config.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(Main.EXIT_CONFIG).isEqualTo(78);
    assertThat(output).contains("configuration error: http.host: \"0.0.0.0\" is not a loopback address and no "
        + "authentication is configured; set http.authToken or http.users");
  }
}
