package io.testline.cli;

import static io.testline.dist.DistributionArchive.TARGET;
import static io.testline.dist.DistributionArchive.VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.dist.DistributionArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The central distribution as plant IT downloads it: {@code target/testline-<version>.tar.gz} (and the zip). */
class DistributionArchiveIT {
  private static final String TOP = "testline-" + VERSION;

  @Test
  void the_unpacked_tar_gz_runs_its_launcher_and_ships_no_test_jar_and_its_sbom(@TempDir Path tmp) throws Exception {
    Path home = DistributionArchive.untar(TARGET.resolve(TOP + ".tar.gz"), tmp);
    assertThat(home.getFileName()).hasToString(TOP);
    assertThat(Files.isExecutable(home.resolve("bin/testline"))).as("bin/testline keeps its executable bit").isTrue();

    DistributionArchive.Output version = DistributionArchive.run(tmp, List.of(home.resolve("bin/testline").toString(),
        "--version"));
    assertThat(version.exitCode()).as(version.text()).isZero();
    assertThat(version.text()).contains("testline " + VERSION);

    List<String> jars = DistributionArchive.libJars(home);
    assertThat(jars).contains("testline-cli-" + VERSION + ".jar").anyMatch(n -> n.startsWith("station-agent-"));

    JsonNode bom = new ObjectMapper().readTree(home.resolve("bom.json").toFile());
    assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    List<String> components = bom.path("components").findValuesAsText("name");
    assertThat(components).contains("kafka-clients", "javalin", "picocli").doesNotContain("junit-jupiter-api");
    assertThat(home.resolve("bom.xml")).isRegularFile();
  }

  @Test
  void the_zip_holds_the_same_files_as_the_tar_gz(@TempDir Path tmp) throws Exception {
    Path home = DistributionArchive.untar(TARGET.resolve(TOP + ".tar.gz"), tmp);
    List<String> fromTar;
    try (Stream<Path> files = Files.walk(home)) {
      fromTar = files.filter(Files::isRegularFile).map(p -> TOP + "/" + home.relativize(p)).sorted().toList();
    }
    List<String> fromZip = DistributionArchive.zipEntries(TARGET.resolve(TOP + ".zip")).stream()
        .filter(n -> !n.endsWith("/")).sorted().toList();
    assertThat(fromZip).isNotEmpty().isEqualTo(fromTar);
  }
}
