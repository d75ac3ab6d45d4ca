package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.testline.dist.DistributionArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's systemd unit as the distribution ships it ({@code conf/testline-agent.service}). */
class SystemdUnitIT {
  private static final Path HOME = Path.of(System.getProperty("testline.agent.dist", "target/testline-agent"));
  private static final Path UNIT = HOME.resolve("conf/testline-agent.service");
  private static final String LAUNCHER = "/opt/testline-agent/bin/testline-agent";

  @Test
  void the_unit_runs_serve_through_the_launcher_as_its_own_user_hardened_with_the_journal_in_its_state_directory()
      throws Exception {
    Map<String, List<String>> service = section(Files.readAllLines(UNIT, StandardCharsets.UTF_8), "Service");
    assertThat(service.get("ExecStart")).containsExactly(LAUNCHER + " serve -c /etc/testline/agent.yaml");
    assertThat(service.get("User")).containsExactly("testline");
    assertThat(service.get("StateDirectory")).containsExactly("testline-agent");
    assertThat(service.get("Environment")).contains("TESTLINE_AGENT_DATA_DIR=%S/testline-agent");
    assertThat(service.get("Restart")).containsExactly("on-failure");
    Map.of("NoNewPrivileges", "yes", "ProtectSystem", "strict", "ProtectHome", "yes", "PrivateTmp", "yes")
        .forEach((key, value) -> assertThat(service.get(key)).as(key).containsExactly(value));
    assertThat(service).as("the JVM's JIT needs writable executable memory").doesNotContainKey("MemoryDenyWriteExecute");
  }

  @Test
  void systemd_analyze_verify_accepts_the_unit_without_a_warning(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) || Files.isExecutable(Path.of("/bin/systemd-analyze")),
        "systemd-analyze is not installed");
    // the unit names the installed path; verify needs an executable there, so it gets this build's launcher
    String unit = Files.readString(UNIT, StandardCharsets.UTF_8)
        .replace(LAUNCHER, HOME.toAbsolutePath().resolve("bin/testline-agent").toString());
    Path copy = Files.writeString(tmp.resolve("testline-agent.service"), unit);
    DistributionArchive.Output verify = DistributionArchive.run(tmp,
        List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
    assertThat(verify.exitCode()).as(verify.text()).isZero();
    assertThat(verify.text()).as("warnings of systemd-analyze verify").isBlank();
  }

  /** The keys of one section of a unit file, each with its values in order (a key may repeat). */
  private static Map<String, List<String>> section(List<String> lines, String name) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String current = null;
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        current = line.substring(1, line.length() - 1);
      } else if (name.equals(current) && line.contains("=")) {
        int eq = line.indexOf('=');
        keys.computeIfAbsent(line.substring(0, eq).trim(), k -> new ArrayList<>()).add(line.substring(eq + 1).trim());
      }
    }
    return keys;
  }
}
