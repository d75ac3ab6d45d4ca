package io.testline.agent;

import static io.testline.dist.DistributionArchive.TARGET;
import static io.testline.dist.DistributionArchive.VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import io.testline.dist.DistributionArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The station's distribution as a station PC receives it: {@code target/testline-agent-<version>.tar.gz}. */
class AgentArchiveIT {
  private static final String TOP = "testline-agent-" + VERSION;

  @Test
  void the_unpacked_tar_gz_runs_its_launcher_and_ships_no_test_jar_and_its_sbom(@TempDir Path tmp) throws Exception {
    Path home = DistributionArchive.untar(TARGET.resolve(TOP + ".tar.gz"), tmp);
    Path launcher = home.resolve("bin/testline-agent");
    assertThat(Files.isExecutable(launcher)).as("bin/testline-agent keeps its executable bit").isTrue();

    DistributionArchive.Output version = DistributionArchive.run(tmp, List.of(launcher.toString(), "--version"));
    assertThat(version.exitCode()).as(version.text()).isZero();
    assertThat(version.text()).startsWith("testline-agent ");

    List<String> jars = DistributionArchive.libJars(home);
    assertThat(jars).contains("station-agent-" + VERSION + ".jar").noneMatch(n -> n.startsWith("kafka"));
    assertThat(Files.readString(home.resolve("bom.json"))).contains("\"CycloneDX\"", "org.eclipse.paho.mqttv5.client")
        .doesNotContain("junit-jupiter");
    assertThat(home.resolve("conf/agent.yaml")).isRegularFile();
    assertThat(DistributionArchive.zipEntries(TARGET.resolve(TOP + ".zip"))).contains(TOP + "/bin/testline-agent",
        TOP + "/bom.json");
  }
}
