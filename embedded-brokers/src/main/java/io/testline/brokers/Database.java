package io.testline.brokers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/**
 * One database on a {@link PostgresServer}, with what a client needs to reach it.
 *
 * @param name the database name
 * @param jdbcUrl its JDBC URL
 * @param user a user that owns or may use it
 * @param password that user's password
 */
public record Database(String name, String jdbcUrl, String user, String password) {

    public Database {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** Opens a new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Leaves the password out, as records print every component. */
    @Override
    public String toString() {
        return "Database[name=" + name + ", jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
    }
}
