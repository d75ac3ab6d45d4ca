package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.testline.brokers.Brokers.Mode;
import io.testline.brokers.Brokers.MqttKind;
import io.testline.brokers.Brokers.PostgresKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokersTest {

    private static final Optional<Path> MOSQUITTO = Optional.of(Path.of("/usr/sbin/mosquitto"));

    @Test
    void embedded_mode_uses_mosquitto_when_installed() {
        assertThat(brokers(Mode.EMBEDDED, false, MOSQUITTO, Map.of()).mqttKind()).isEqualTo(MqttKind.MOSQUITTO);
    }

    @Test
    void embedded_mode_falls_back_to_hivemq_when_mosquitto_is_absent() {
        assertThat(brokers(Mode.EMBEDDED, false, Optional.empty(), Map.of()).mqttKind())
                .isEqualTo(MqttKind.HIVEMQ_EMBEDDED);
    }

    @Test
    void auto_mode_uses_containers_only_when_docker_answers() {
        assertThat(brokers(Mode.AUTO, true, MOSQUITTO, Map.of()).mqttKind()).isEqualTo(MqttKind.CONTAINER);
        assertThat(brokers(Mode.AUTO, true, MOSQUITTO, Map.of()).postgresKind()).isEqualTo(PostgresKind.CONTAINER);
        assertThat(brokers(Mode.AUTO, false, MOSQUITTO, Map.of()).mqttKind()).isEqualTo(MqttKind.MOSQUITTO);
        assertThat(brokers(Mode.AUTO, false, Optional.empty(), Map.of()).postgresKind())
                .isEqualTo(PostgresKind.EMBEDDED);
    }

    @Test
    void embedded_mode_never_asks_docker() {
        Brokers brokers = new Brokers(Mode.EMBEDDED, Map.<String, String>of()::get, () -> {
            throw new AssertionError("Docker was asked");
        }, () -> MOSQUITTO);
        assertThat(brokers.useContainers()).isFalse();
    }

    @Test
    void containers_mode_without_docker_fails_with_a_clear_message() {
        assertThatThrownBy(() -> brokers(Mode.CONTAINERS, false, MOSQUITTO, Map.of()).mqttKind())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no Docker engine");
    }

    @Test
    void external_postgres_url_wins_over_every_mode() {
        Map<String, String> env = Map.of(ExternalPostgresServer.URL_ENV, "jdbc:postgresql://db.plant:6543/ci");
        assertThat(brokers(Mode.EMBEDDED, false, MOSQUITTO, env).postgresKind()).isEqualTo(PostgresKind.EXTERNAL);
        assertThat(brokers(Mode.AUTO, true, MOSQUITTO, env).postgresKind()).isEqualTo(PostgresKind.EXTERNAL);
    }

    @Test
    void external_postgres_builds_urls_from_the_environment_and_refuses_restarts() {
        ExternalPostgresServer server = ExternalPostgresServer.fromEnvironment(Map.of(
                ExternalPostgresServer.URL_ENV, "jdbc:postgresql://db.plant:6543/ci?sslmode=require",
                ExternalPostgresServer.USER_ENV, "ci",
                ExternalPostgresServer.PASSWORD_ENV, "secret")::get).orElseThrow();
        assertThat(server.host()).isEqualTo("db.plant");
        assertThat(server.port()).isEqualTo(6543);
        assertThat(server.jdbcUrl("results")).isEqualTo("jdbc:postgresql://db.plant:6543/results?sslmode=require");
        assertThatThrownBy(server::stop).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(ExternalPostgresServer.URL_ENV);
    }

    @Test
    void mode_parsing_names_the_property_and_the_bad_value() {
        assertThat(Mode.parse(null)).isEqualTo(Mode.AUTO);
        assertThat(Mode.parse(" Embedded ")).isEqualTo(Mode.EMBEDDED);
        assertThatThrownBy(() -> Mode.parse("docker"))
                .hasMessage("testline.brokers: \"docker\" is not one of auto, embedded, containers");
    }

    @Test
    void docker_is_not_probed_without_any_hint_of_an_engine(@TempDir Path home) {
        assertThat(Brokers.hasDockerHint(Map.<String, String>of()::get, home))
                .isEqualTo(java.nio.file.Files.exists(Path.of("/var/run/docker.sock")));
        assertThat(Brokers.hasDockerHint(Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375")::get, home)).isTrue();
    }

    private static Brokers brokers(Mode mode, boolean docker, Optional<Path> mosquitto, Map<String, String> env) {
        return new Brokers(mode, env::get, () -> docker, () -> mosquitto);
    }
}
