package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent runs on station PCs beside the test program: it must carry no Kafka client and no JDBC driver other than
 * SQLite's for its local journal. Reads the runtime classpath Maven resolved for this module.
 */
class LayeringTest {

  @Test
  void agent_depends_on_no_kafka_client_and_no_server_database_driver() throws IOException {
    List<String> jars = Arrays.stream(Files.readString(Path.of("target/runtime-classpath.txt")).trim().split(":"))
        .map(entry -> Path.of(entry).getFileName().toString())
        .toList();

    assertThat(jars).anyMatch(jar -> jar.contains("paho.mqttv5")).anyMatch(jar -> jar.startsWith("sqlite-jdbc"));
    assertThat(jars).noneMatch(jar -> jar.startsWith("kafka"))
        .noneMatch(jar -> jar.startsWith("postgresql"))
        .noneMatch(jar -> jar.startsWith("hivemq"))
        .noneMatch(jar -> jar.startsWith("embedded-"));
  }
}
