package io.testline.brokers;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A PostgreSQL server run by someone else (a CI service, a developer's database), named by environment variables:
 * {@code TESTLINE_PG_URL} (a {@code jdbc:postgresql://host:port/database} URL; the database is the one used to
 * create others), {@code TESTLINE_PG_USER} and {@code TESTLINE_PG_PASSWORD}. The user must be allowed to create
 * databases.
 *
 * <p>It is not ours to stop or start: {@link #stop()} and {@link #start()} throw
 * {@link UnsupportedOperationException}, so fault tests that need them fail with a clear message; {@link #close()}
 * does nothing.
 */
public final class ExternalPostgresServer extends AbstractPostgresServer {

    public static final String URL_ENV = "TESTLINE_PG_URL";
    public static final String USER_ENV = "TESTLINE_PG_USER";
    public static final String PASSWORD_ENV = "TESTLINE_PG_PASSWORD";

    private static final String PREFIX = "jdbc:";

    private final String host;
    private final int port;
    private final String database;
    private final String query;
    private final String user;
    private final String password;

    /**
     * @param jdbcUrl {@code jdbc:postgresql://host[:port]/database[?parameters]}; parameters are kept on every URL
     */
    public ExternalPostgresServer(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith(PREFIX + "postgresql://")) {
            throw new IllegalArgumentException(URL_ENV + ": \"" + jdbcUrl
                    + "\" is not a jdbc:postgresql://host:port/database URL");
        }
        URI uri = URI.create(jdbcUrl.substring(PREFIX.length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || path.isEmpty()) {
            throw new IllegalArgumentException(URL_ENV + ": \"" + jdbcUrl + "\" names no host or no database");
        }
        this.host = uri.getHost();
        this.port = uri.getPort() == -1 ? 5432 : uri.getPort();
        this.database = path;
        this.query = uri.getRawQuery();
        this.user = Objects.requireNonNull(user, "user");
        this.password = password == null ? "" : password;
    }

    /** The server named by {@code TESTLINE_PG_URL} etc. in {@code env}, if the URL is set. */
    public static Optional<ExternalPostgresServer> fromEnvironment(Function<String, String> env) {
        String url = env.apply(URL_ENV);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String user = env.apply(USER_ENV);
        return Optional.of(new ExternalPostgresServer(url.trim(), user == null ? "postgres" : user,
                env.apply(PASSWORD_ENV)));
    }

    /** The server named by the process environment, if {@code TESTLINE_PG_URL} is set. */
    public static Optional<ExternalPostgresServer> fromEnvironment() {
        Map<String, String> env = System.getenv();
        return fromEnvironment(env::get);
    }

    @Override
    String maintenanceDatabase() {
        return database;
    }

    @Override
    public String jdbcUrl(String db) {
        return super.jdbcUrl(db) + (query == null ? "" : "?" + query);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("PostgreSQL at " + host + ":" + port + " comes from " + URL_ENV
                + " and cannot be stopped by tests; unset " + URL_ENV + " to run fault tests on an embedded server");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("PostgreSQL at " + host + ":" + port + " comes from " + URL_ENV
                + " and cannot be started by tests; unset " + URL_ENV + " to run fault tests on an embedded server");
    }

    /** Always true: the server's life is managed elsewhere. */
    @Override
    public boolean isRunning() {
        return true;
    }

    /** Does nothing; databases created by tests stay, as the server is not ours. */
    @Override
    public void close() {
        // nothing of ours to release
    }

    @Override
    public String toString() {
        return "ExternalPostgresServer[" + host + ":" + port + "/" + database + "]";
    }
}
