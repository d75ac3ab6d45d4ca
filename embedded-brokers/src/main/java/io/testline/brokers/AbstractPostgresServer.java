package io.testline.brokers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** What every {@link PostgresServer} does the same way: URLs and database creation over JDBC. */
abstract class AbstractPostgresServer implements PostgresServer {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** The database to connect to for {@code CREATE DATABASE}. */
    String maintenanceDatabase() {
        return "postgres";
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    @Override
    public Database createDatabase(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("database name: \"" + name
                    + "\" is not a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl(maintenanceDatabase()), user(), password());
             Statement statement = connection.createStatement()) {
            // the name is checked against IDENTIFIER above, so it cannot inject SQL
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + host() + ":" + port()
                    + ": " + e.getMessage(), e);
        }
        return new Database(name, jdbcUrl(name), user(), password());
    }

    @Override
    public Database newDatabase(String prefix) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return createDatabase(prefix.toLowerCase(Locale.ROOT) + "_" + suffix);
    }
}
