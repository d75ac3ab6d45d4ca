package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.testline.brokers.junit.RealBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class EmbeddedPostgresServerIT {

    @Test
    void postgres_keeps_data_across_restart_and_refuses_connections_while_stopped(PostgresServer postgres)
            throws Exception {
        Database db = postgres.newDatabase("restart");
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE verdict (run_id text PRIMARY KEY, outcome text)");
            statement.execute("INSERT INTO verdict VALUES ('r1', 'ACCEPTED')");
        }

        postgres.stop();
        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(db::connect).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
        postgres.start();

        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT outcome FROM verdict WHERE run_id = 'r1'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("ACCEPTED");
        }
    }

    @Test
    void database_names_must_be_plain_identifiers(PostgresServer postgres) {
        assertThatThrownBy(() -> postgres.createDatabase("x; DROP DATABASE postgres"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database name");
    }
}
