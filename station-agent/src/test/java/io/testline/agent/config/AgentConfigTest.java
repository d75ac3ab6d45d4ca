package io.testline.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void shipped_example_config_is_valid_and_environment_overrides_it() {
    AgentConfig c = AgentConfig.load(ConfigSource.load(Path.of("dist/agent.yaml"),
        Map.of("TESTLINE_JOURNAL_MAX_BYTES", "2GiB"), AgentConfig.ENV_PREFIX));
    assertThat(c.stationId()).isEqualTo("ICT-L2-01");
    assertThat(c.journal().maxBytes()).isEqualTo(2L << 30);
    assertThat(c.run().failExitCodes()).containsExactly(1);
    assertThat(c.mqtt().tls()).isTrue();
    assertThat(c.watch().mapping()).containsEntry("serialNumber", "SN");
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.forensics()).isEqualTo(new AgentConfig.Forensics(true, Duration.ofSeconds(2), true, 512L << 20,
        "gdb", Duration.ofSeconds(20), 16384));
  }

  @Test
  void core_upload_is_off_by_default_and_its_limit_and_the_minidump_folder_are_keys() {
    AgentConfig defaults = AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1")));
    assertThat(defaults.forensics().uploadCores()).isFalse();
    assertThat(defaults.forensics().uploadMaxBytes()).isEqualTo(64L << 20);
    assertThat(defaults.forensics().minidumpDir()).isNull();
    AgentConfig on = AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1", "forensics.uploadCores", "true",
        "forensics.uploadMaxBytes", "8MiB", "forensics.minidumpDir", "dumps")));
    assertThat(on.forensics().uploadCores()).isTrue();
    assertThat(on.forensics().uploadMaxBytes()).isEqualTo(8L << 20);
    assertThat(on.forensics().minidumpDir()).isEqualTo(Path.of("dumps"));
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1",
        "forensics.uploadMaxBytes", "2GiB")))).hasMessageContaining("forensics.uploadMaxBytes");
  }

  @Test
  void forensics_are_on_by_default_and_can_be_turned_off_key_by_key() {
    AgentConfig defaults = AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1")));
    assertThat(defaults.forensics()).isEqualTo(new AgentConfig.Forensics(true, AgentConfig.DEFAULT_HANG_GRACE, true,
        AgentConfig.DEFAULT_CORE_MAX_BYTES, "gdb", AgentConfig.DEFAULT_GDB_TIMEOUT, 16384));
    AgentConfig off = AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1",
        "forensics.pythonFaultHandler", "false", "forensics.coreDumps", "off", "forensics.gdb", "",
        "forensics.hangGrace", "0s")));
    assertThat(off.forensics().pythonFaultHandler()).isFalse();
    assertThat(off.forensics().coreDumps()).isFalse();
    assertThat(off.forensics().gdb()).isEmpty();
    assertThat(off.forensics().hangGrace()).isZero();
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1",
        "forensics.tracebackMaxChars", "100000")))).hasMessageStartingWith("forensics.tracebackMaxChars:");
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1",
        "forensics.hangGrace", "2h")))).hasMessageStartingWith("forensics.hangGrace:");
  }

  @Test
  void errors_name_the_key() {
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "bad/id"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("station.id:");
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1", "mqtt.url", "tcp//x"))))
        .hasMessageStartingWith("mqtt.url:");
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1", "mqtt.username", "u"))))
        .hasMessageStartingWith("mqtt.password:");
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1", "jornal.maxBytes", "1"))))
        .hasMessageContaining("unknown key jornal.maxBytes");
    assertThatThrownBy(() -> AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1",
        "run.environment.deny", "LAB_*, A B"))))
        .hasMessageStartingWith("run.environment.deny: \"A B\" is not a variable name or pattern");
  }

  @Test
  void the_config_and_its_mqtt_settings_never_print_their_passwords() {
    AgentConfig c = AgentConfig.load(ConfigSource.of(Map.of("station.id", "S1", "mqtt.url", "ssl://b:8883",
        "mqtt.username", "S1", "mqtt.password", "pw-4711", "mqtt.tls.trustStore", "/t.p12",
        "mqtt.tls.trustStorePassword", "tpw-4712", "mqtt.tls.keyStore", "/k.p12",
        "mqtt.tls.keyStorePassword", "kpw-4713")));

    assertThat(c.toString()).contains("username=S1", "password=(hidden)", "/t.p12")
        .doesNotContain("pw-4711", "tpw-4712", "kpw-4713");
    assertThat(c.mqtt().password()).isEqualTo("pw-4711");
  }
}
