package io.testline.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
  private static final Map<String, String> AGENT = Map.ofEntries(
      Map.entry("PATH", "/usr/bin:/bin"),
      Map.entry("HOME", "/home/station"),
      Map.entry("LAB_INSTRUMENT_ADDR", "GPIB0::5"),
      Map.entry("TESTLINE_MQTT_URL", "ssl://broker:8883"),
      Map.entry("TESTLINE_MQTT_PASSWORD_FILE", "/etc/testline/mqtt-password"),
      Map.entry("TESTLINE_CONFIG", "/etc/testline/agent.yaml"),
      Map.entry("MES_PASSWORD", "p1"),
      Map.entry("db_passwd", "p2"),
      Map.entry("GITHUB_TOKEN", "t"),
      Map.entry("KAFKA_JAAS_CONFIG", "j"),
      Map.entry("SIGNING_PRIVATE_KEY", "k"),
      Map.entry("VAULT_SECRET_ID", "s"),
      Map.entry("CERT_FILE", "/run/secrets/station-cert"),
      Map.entry("CREDENTIALS_DIRECTORY", "/run/credentials/testline-agent.service"),
      Map.entry("KEY_PATH", "/run/credentials/testline-agent.service/key"));

  @Test
  void the_agents_settings_secret_names_and_paths_into_secret_folders_are_never_inherited() {
    Map<String, String> child = new ChildEnvironment(List.of(), null)
        .build(AGENT, Map.of("TESTLINE_RUN_ID", "r-1", "TESTLINE_RESULTS_FILE", "/data/runs/r-1/results.jsonl"));

    assertThat(child).containsOnlyKeys("PATH", "HOME", "LAB_INSTRUMENT_ADDR", "TESTLINE_RUN_ID",
        "TESTLINE_RESULTS_FILE");
    assertThat(child).containsEntry("TESTLINE_RUN_ID", "r-1").containsEntry("PATH", "/usr/bin:/bin");
  }

  @Test
  void a_deny_list_removes_more_and_an_allow_list_inherits_only_what_it_names_never_a_secret() {
    assertThat(new ChildEnvironment(List.of("LAB_*", "home"), null).build(AGENT, Map.of()))
        .containsOnlyKeys("PATH");
    Map<String, String> allowListed = new ChildEnvironment(List.of(), List.of("PATH", "LAB_*", "MES_*", "TESTLINE_*"))
        .build(AGENT, Map.of("TESTLINE_RUN_ID", "r-2"));
    assertThat(allowListed).containsOnlyKeys("PATH", "LAB_INSTRUMENT_ADDR", "TESTLINE_RUN_ID");
  }

  @Test
  void a_pattern_that_is_not_a_variable_name_is_refused_naming_the_list() {
    assertThatThrownBy(() -> new ChildEnvironment(List.of("OK_*", "A B"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deny: \"A B\" is not a variable name or pattern");
    assertThatThrownBy(() -> new ChildEnvironment(List.of(), List.of("$(x)")))
        .hasMessageStartingWith("allow: \"$(x)\"");
  }
}
