package io.testline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
  @TempDir
  Path dir;

  @Test
  void environment_overrides_the_file_by_derived_variable_name() throws IOException {
    Path file = write("""
        station:
          id: FCT-1
        journal:
          maxBytes: 64MiB
        mqtt:
          url: tcp://broker:1883
        """);

    ConfigSource config = ConfigSource.load(file, Map.of("TESTLINE_JOURNAL_MAX_BYTES", "2GiB"), "TESTLINE_");

    assertThat(config.envName("journal.maxBytes")).isEqualTo("TESTLINE_JOURNAL_MAX_BYTES");
    assertThat(config.bytes("journal.maxBytes", 0, 0, Long.MAX_VALUE)).isEqualTo(2L << 30);
    assertThat(config.requiredString("station.id")).isEqualTo("FCT-1");
    assertThat(config.uri("mqtt.url", null, Set.of("tcp", "ssl"))).isEqualTo(URI.create("tcp://broker:1883"));
  }

  @Test
  void a_section_given_twice_is_refused_with_its_key_not_silently_replaced() throws IOException {
    Path file = write("journal:\n  keepUntil: verdict\nrun:\n  timeout: 1h\njournal:\n  minFreeDisk: 4MiB\n");

    assertThatThrownBy(() -> ConfigSource.load(file, Map.of(), "TESTLINE_"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Duplicate field 'journal'");
  }

  @Test
  void errors_name_the_key_the_value_and_its_origin() throws IOException {
    Path file = write("mqtt:\n  url: tcp//x\n");
    ConfigSource config = ConfigSource.load(file, Map.of("TESTLINE_RUN_TIMEOUT", "soon"), "TESTLINE_");

    assertThatThrownBy(() -> config.uri("mqtt.url", null, Set.of("tcp")))
        .hasMessage("mqtt.url: \"tcp//x\" is not a URI (from " + file + ")");
    assertThatThrownBy(() -> config.duration("run.timeout", Duration.ofMinutes(1), Duration.ZERO, Duration.ofDays(1)))
        .hasMessageStartingWith("run.timeout: \"soon\" is not a duration")
        .hasMessageEndingWith("(from environment TESTLINE_RUN_TIMEOUT)");
    assertThatThrownBy(() -> config.requiredString("station.id"))
        .hasMessageContaining("station.id: is required").hasMessageContaining("TESTLINE_STATION_ID");
  }

  @Test
  void typed_getters_parse_units_and_check_ranges() {
    ConfigSource config = ConfigSource.of(Map.of("a", "250ms", "b", "5m", "c", "PT2H", "n", "70000", "e", "at-least-once",
        "flag", "yes", "list", "x, y,z"));

    assertThat(config.duration("a", null, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofMillis(250));
    assertThat(config.duration("b", null, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.duration("c", null, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofHours(2));
    assertThat(config.bool("flag", false)).isTrue();
    assertThat(config.list("list", List.of())).containsExactly("x", "y", "z");
    assertThat(config.enumValue("e", Delivery.class, Delivery.AT_MOST_ONCE)).isEqualTo(Delivery.AT_LEAST_ONCE);
    assertThatThrownBy(() -> config.integer("n", 1, 1, 65535))
        .hasMessage("n: \"70000\" is out of range 1 to 65535 (from given values)");
    assertThat(config.integer("missing", 7, 1, 10)).isEqualTo(7);
  }

  @Test
  void unknown_keys_in_the_file_are_reported_as_likely_typos() throws IOException {
    Path file = write("mqtt:\n  url: tcp://b:1883\n  uesrname: x\nlabels:\n  cell: C2\n");
    ConfigSource config = ConfigSource.load(file, Map.of(), "TESTLINE_");
    config.string("mqtt.url", null);
    config.string("mqtt.username", null);
    assertThat(config.map("labels")).isEqualTo(Map.of("cell", "C2"));

    assertThatThrownBy(config::requireNoUnknownKeys).hasMessage("unknown key mqtt.uesrname in " + file);
  }

  @Test
  void missing_or_broken_file_is_a_clear_error() throws IOException {
    assertThatThrownBy(() -> ConfigSource.load(dir.resolve("nope.yaml"), Map.of(), "T_"))
        .hasMessageContaining("nope.yaml does not exist");
    Path broken = write("a: [1, 2\n");
    assertThatThrownBy(() -> ConfigSource.load(broken, Map.of(), "T_")).hasMessageContaining("is not valid YAML");
  }

  @Test
  void a_secret_comes_from_the_file_its_FILE_variable_names_without_the_trailing_line_break() throws IOException {
    Path secret = Files.writeString(dir.resolve("db_password"), "s3cret pass\n");
    Path yaml = write("db:\n  password: from-the-yaml\n");
    ConfigSource config = ConfigSource.load(yaml, Map.of("TESTLINE_DB_PASSWORD_FILE", secret.toString(),
        "TESTLINE_MQTT_PASSWORD", "from-env"), "TESTLINE_");

    assertThat(config.string("db.password", null)).isEqualTo("s3cret pass");
    assertThat(config.string("mqtt.password", null)).isEqualTo("from-env");
    Files.writeString(secret, "crlf\r\n");
    assertThat(config.string("db.password", null)).isEqualTo("crlf");
  }

  @Test
  void a_secret_file_that_is_missing_too_large_or_doubled_by_the_variable_is_refused_naming_the_key()
      throws IOException {
    Path huge = Files.write(dir.resolve("huge"), new byte[ConfigSource.MAX_VALUE_FILE_BYTES + 1]);
    ConfigSource config = ConfigSource.load(null, Map.of("TESTLINE_DB_PASSWORD_FILE", dir.resolve("nope").toString(),
        "TESTLINE_MQTT_PASSWORD_FILE", huge.toString(), "TESTLINE_MQTT_USERNAME", "a",
        "TESTLINE_MQTT_USERNAME_FILE", huge.toString(), "TESTLINE_HTTP_AUTH_TOKEN_FILE", ""), "TESTLINE_");

    assertThatThrownBy(() -> config.string("db.password", null)).isInstanceOf(ConfigException.class)
        .hasMessage("db.password: TESTLINE_DB_PASSWORD_FILE names \"" + dir.resolve("nope")
            + "\", which does not exist or is not a file");
    assertThatThrownBy(() -> config.string("mqtt.password", null))
        .hasMessageStartingWith("mqtt.password: TESTLINE_MQTT_PASSWORD_FILE names").hasMessageContaining("larger");
    assertThatThrownBy(() -> config.string("mqtt.username", null)).hasMessage("mqtt.username: both "
        + "TESTLINE_MQTT_USERNAME and TESTLINE_MQTT_USERNAME_FILE are set; set one of them");
    assertThatThrownBy(() -> config.string("http.authToken", null))
        .hasMessageStartingWith("http.authToken: TESTLINE_HTTP_AUTH_TOKEN_FILE is set but empty");
  }

  @Test
  void client_settings_come_from_the_file_and_the_environment_with_secrets_from_files() throws IOException {
    Path jaas = Files.writeString(dir.resolve("jaas"), "PlainLoginModule required password=\"p\";\n");
    Path yaml = write("kafka:\n  client:\n    security.protocol: SSL\n    ssl.truststore.password: in-yaml\n");
    ConfigSource config = ConfigSource.load(yaml, Map.of(
        "TESTLINE_KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE", jaas.toString(),
        "TESTLINE_KAFKA_CLIENT_SSL_TRUSTSTORE_PASSWORD", "from-env",
        "TESTLINE_KAFKA_BOOTSTRAP_SERVERS", "b:9092"), "TESTLINE_");

    assertThat(config.settings("kafka.client")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "security.protocol", "SSL",
        "ssl.truststore.password", "from-env",
        "sasl.jaas.config", "PlainLoginModule required password=\"p\";"));
    assertThat(config.map("kafka.client")).as("map() keeps to the file")
        .containsEntry("ssl.truststore.password", "in-yaml");
  }

  enum Delivery { AT_MOST_ONCE, AT_LEAST_ONCE }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    return Files.writeString(file, yaml);
  }
}
