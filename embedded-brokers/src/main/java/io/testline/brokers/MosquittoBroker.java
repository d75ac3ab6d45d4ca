package io.testline.brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mosquitto broker run as a child process with a generated configuration.
 *
 * <p>It listens on {@code 127.0.0.1} at a port fixed when it is built, persists sessions and queued messages in
 * its own directory ({@link #workDir()}), and logs to {@code mosquitto.log} there. {@link #stop()} sends SIGTERM
 * and waits, so mosquitto saves its database and persistent sessions survive the following {@link #start()};
 * {@link #killHard()} sends SIGKILL for crash tests (state since the last autosave is then lost, as in a real
 * crash). A JVM shutdown hook stops the process if nobody closed the broker; if the JVM dies without running it,
 * a watcher process stops mosquitto, and failing that the next start on the same directory stops it by its pid file
 * ({@link #pidFile()}). mosquitto runs in its own session, so a terminal's Ctrl-C reaches only the JVM.
 *
 * <p>A start is ours or nothing: it fails with a {@link ServerUnavailableException} when another process holds
 * the port, before the start or instead of the mosquitto just started.
 *
 * <p>The defaults lift mosquitto's silent limits (20 in-flight and 1000 queued messages per client, beyond which
 * it drops QoS 1 messages without telling anyone) so tests see the behaviour of a properly sized broker.
 */
public final class MosquittoBroker implements MqttBroker {

    private static final Logger log = LoggerFactory.getLogger(MosquittoBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** Default {@code max_packet_size}: above the largest log chunk the agent sends, with room to spare. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 4 * 1024 * 1024;

    private final Path binary;
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final int port;
    private final Path configFile;
    private final String version;

    private Process process;
    private ParentDeathWatch watch = ParentDeathWatch.none();
    private DataDirLock dirLock;
    private boolean closed;

    private MosquittoBroker(Builder builder) {
        this.binary = builder.binary != null ? builder.binary : findBinary().orElseThrow(() ->
                new IllegalStateException("mosquitto not found on PATH, in /usr/sbin or /usr/local/sbin; "
                        + "install it (apt-get install mosquitto)"));
        this.ownsWorkDir = builder.workDir == null;
        this.workDir = ownsWorkDir ? TempDirs.create("testline-mosquitto-")
                : TempDirs.createDirectories(builder.workDir.toAbsolutePath());
        this.port = builder.port == 0 ? Ports.freePort() : builder.port;
        this.version = MosquittoExecutable.version(binary);
        this.configFile = workDir.resolve("mosquitto.conf");
        MosquittoConfig.write(configFile, workDir, logFile(), port, builder.options, builder.extraLines);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The mosquitto executable: the first found on {@code PATH}, then in {@code /usr/sbin} and
     * {@code /usr/local/sbin} (Debian installs it in sbin, which is not on a normal user's PATH).
     */
    public static Optional<Path> findBinary() {
        return MosquittoExecutable.find();
    }

    /** Directory holding the configuration, the persistence database and {@code mosquitto.log}. */
    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return workDir.resolve("mosquitto.log");
    }

    @Override
    public String serverUri() {
        return "tcp://" + host() + ":" + port;
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
    public synchronized String description() {
        return "mosquitto " + version + (process != null ? " (pid " + process.pid() + ")" : " (stopped)");
    }

    @Override
    public boolean isMosquitto() {
        return true;
    }

    /**
     * Stops a mosquitto that an earlier process left running on this {@link #workDir()} (its pid file names a live
     * mosquitto with this configuration; any other process is left alone), then checks that nothing else listens
     * on the port. {@link #start()} does this itself; a caller starting several servers calls it first to refuse
     * early.
     *
     * @throws ServerUnavailableException if another process listens on the port
     */
    public synchronized void checkStartable() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (dirLock == null) {
            // held while this object may run mosquitto here: a mosquitto found on a free folder is an orphan
            dirLock = DataDirLock.acquire(workDir.resolve("mosquitto.lock"), "mosquitto");
        }
        if (Orphans.stopOrphan(pidFile(), "mosquitto", List.of("mosquitto", configFile.toString()), "TERM",
                STOP_TIMEOUT)) {
            Orphans.deletePid(pidFile());
        }
        PortGuard.requireFree(port, "MQTT broker (mosquitto)");
    }

    /**
     * Starts mosquitto and returns once the child we started listens on the port.
     *
     * @throws ServerUnavailableException if another process listens on the port, before the start or instead of ours
     */
    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("mosquitto on port " + port + " is closed");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        checkStartable();
        long started = System.nanoTime();
        Path out = workDir.resolve("mosquitto.out");
        Process child = MosquittoExecutable.launch(binary, configFile, workDir, out);
        process = child;
        ShutdownHooks.register(this);
        if (!PortGuard.awaitOwner(port, child.pid(), START_TIMEOUT, child::isAlive)) {
            child.destroyForcibly();
            process = null;
            throw MosquittoStartFailure.of(child, port, START_TIMEOUT, logFile(), out);
        }
        Orphans.writePid(pidFile(), child.pid());
        watch = ParentDeathWatch.start(child.pid(), configFile.toString(), "TERM");
        log.info("{} started on {} in {} ms", description(), serverUri(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The pid file of the running mosquitto, in {@link #workDir()}; removed when it stops. */
    public Path pidFile() {
        return workDir.resolve("mosquitto.pid");
    }

    /** Stops mosquitto with SIGTERM and waits until it has saved its database and exited. */
    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process child = process;
        watch.close();
        child.destroy();
        try {
            if (!child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("mosquitto pid {} did not exit within {} of SIGTERM, killing it", child.pid(), STOP_TIMEOUT);
                child.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
        Orphans.deletePid(pidFile());
        releaseDirLock();
        log.info("mosquitto on port {} stopped", port);
    }

    /** Kills mosquitto with SIGKILL, as a crash would: no final save of its database. */
    public synchronized void killHard() {
        if (process == null) {
            return;
        }
        Process child = process;
        watch.close();
        child.destroyForcibly();
        try {
            child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        log.info("mosquitto on port {} killed", port);
    }

    /** The process id of the running mosquitto, for measurements and fault tests. */
    public synchronized Optional<Long> pid() {
        return Optional.ofNullable(process).map(Process::pid);
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        releaseDirLock();
        ShutdownHooks.unregister(this);
        if (ownsWorkDir) {
            TempDirs.deleteQuietly(workDir);
        }
    }

    @Override
    public String toString() {
        return "MosquittoBroker[" + serverUri() + ", " + workDir + "]";
    }

    private void releaseDirLock() {
        if (dirLock != null) {
            dirLock.close();
            dirLock = null;
        }
    }

    /** Builds a {@link MosquittoBroker}; the broker is not started until {@link #start()}. */
    public static final class Builder {
        private Path binary;
        private Path workDir;
        private int port;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final List<String> extraLines = new ArrayList<>();

        private Builder() {
        }

        /** The mosquitto executable; by default {@link #findBinary()}. */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /**
         * Where the configuration, persistence and log live; by default a temporary directory deleted by
         * {@link #close()}. A supplied directory is kept, so persistent sessions survive a new process.
         */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** The listener port; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            this.port = Ports.checkPort(port, "port");
            return this;
        }

        /** Sets or overrides a global option, e.g. {@code option("max_inflight_messages", "20")}. */
        public Builder option(String key, String value) {
            options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Appends a raw line after the generated listener, e.g. {@code password_file}, {@code acl_file} or a
         * further {@code listener} block with TLS settings.
         */
        public Builder configLine(String line) {
            extraLines.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        public MosquittoBroker build() {
            return new MosquittoBroker(this);
        }
    }
}
