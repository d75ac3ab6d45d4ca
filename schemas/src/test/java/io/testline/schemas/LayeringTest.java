package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract is shared by the agent, the bridges and the consumers, so it must not drag a broker client or a
 * database driver into any of them. Reads the runtime classpath Maven resolved for this module.
 */
class LayeringTest {

  @Test
  void schemas_depend_on_no_kafka_mqtt_client_or_jdbc_driver() throws IOException {
    List<String> jars = Arrays.stream(Files.readString(Path.of("target/runtime-classpath.txt")).trim().split(":"))
        .map(entry -> Path.of(entry).getFileName().toString())
        .toList();

    assertThat(jars).isNotEmpty().anyMatch(jar -> jar.startsWith("jackson-databind"));
    assertThat(jars).noneMatch(jar -> jar.startsWith("kafka"))
        .noneMatch(jar -> jar.contains("paho"))
        .noneMatch(jar -> jar.startsWith("hivemq"))
        .noneMatch(jar -> jar.startsWith("postgresql"))
        .noneMatch(jar -> jar.startsWith("sqlite-jdbc"));
  }
}
