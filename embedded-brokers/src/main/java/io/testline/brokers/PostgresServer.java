package io.testline.brokers;

/**
 * A real, running PostgreSQL server.
 *
 * <p>Contract: {@link #start()} and {@link #stop()} are idempotent; a stopped server refuses connections and
 * a restarted one serves the same data on the same port. {@link #close()} stops the server for good, deletes data
 * it created itself (never a caller-supplied data directory) and is idempotent. Servers managed elsewhere
 * ({@link ExternalPostgresServer}) cannot be stopped or started and say so with an
 * {@link UnsupportedOperationException}.
 */
public interface PostgresServer extends AutoCloseable {

    String host();

    int port();

    /** A user allowed to create databases. */
    String user();

    String password();

    /** The JDBC URL of {@code database} on this server. */
    String jdbcUrl(String database);

    /**
     * Runs {@code CREATE DATABASE} and returns a handle to the new database.
     *
     * @param name a lower-case SQL identifier ({@code [a-z_][a-z0-9_]*}, at most 63 characters)
     * @throws IllegalArgumentException if the name is not such an identifier
     * @throws IllegalStateException if the database exists already or the server refuses it
     */
    Database createDatabase(String name);

    /** Creates a database named {@code prefix} plus a random suffix, so each caller gets a fresh, empty one. */
    Database newDatabase(String prefix);

    void stop();

    void start();

    boolean isRunning();

    @Override
    void close();
}
