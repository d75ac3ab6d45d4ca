package io.testline.brokers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    private static final List<Path> SEARCH_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern VERSION = Pattern.compile("mosquitto version (\\S+)");
    private static final Map<Path, String> versions = new ConcurrentHashMap<>();

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
        this.version = versionOf(binary);
        this.configFile = workDir.resolve("mosquitto.conf");
        writeConfig(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The mosquitto executable: the first found on {@code PATH}, then in {@code /usr/sbin} and
     * {@code /usr/local/sbin} (Debian installs it in sbin, which is not on a normal user's PATH).
     */
    public static Optional<Path> findBinary() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(SEARCH_DIRS);
        return dirs.stream()
                .map(dir -> dir.resolve("mosquitto"))
                .filter(Files::isRegularFile)
                .filter(Files::isExecutable)
                .findFirst();
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
        List<String> command = new ArrayList<>(ParentDeathWatch.newSession());
        command.addAll(List.of(binary.toString(), "-c", configFile.toString()));
        Process child;
        try {
            child = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("mosquitto.out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary, e);
        }
        process = child;
        ShutdownHooks.register(this);
        if (!PortGuard.awaitOwner(port, child.pid(), START_TIMEOUT, child::isAlive)) {
            child.destroyForcibly();
            process = null;
            String exit = child.isAlive() ? "none" : String.valueOf(child.exitValue());
            String output = tail(logFile()) + tail(workDir.resolve("mosquitto.out"));
            if (!Listeners.on(port).isEmpty() || Ports.accepts(host(), port)) {
                String notOurs = PortGuard.notOurs(port, child.pid(), "MQTT broker (mosquitto)").getMessage();
                throw new ServerUnavailableException(port, notOurs + " (mosquitto exit " + exit + "); its log:\n"
                        + output);
            }
            throw new IllegalStateException("mosquitto did not accept connections on port " + port + " within "
                    + START_TIMEOUT + " (exit " + exit + "); its log:\n" + output);
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

    private void writeConfig(Builder builder) {
        Map<String, String> options = new LinkedHashMap<>();
        // as root, mosquitto would switch to user "mosquitto", which cannot write our temporary directory
        if ("root".equals(System.getProperty("user.name"))) {
            options.put("user", "root");
        }
        options.put("allow_anonymous", "true");
        options.put("persistence", "true");
        options.put("persistence_location", workDir + "/");
        options.put("autosave_interval", "10");
        options.put("log_dest", "file " + logFile());
        options.put("max_inflight_messages", "1000");
        options.put("max_queued_messages", "1000000");
        options.put("max_queued_bytes", "0");
        options.put("max_packet_size", String.valueOf(DEFAULT_MAX_PACKET_SIZE));
        options.putAll(builder.options);

        StringBuilder config = new StringBuilder("# generated by ").append(MosquittoBroker.class.getName())
                .append('\n');
        options.forEach((key, value) -> config.append(key).append(' ').append(value).append('\n'));
        config.append("listener ").append(port).append(' ').append(Ports.LOOPBACK).append('\n');
        builder.extraLines.forEach(line -> config.append(line).append('\n'));
        try {
            Files.writeString(configFile, config.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + configFile, e);
        }
    }

    private static String versionOf(Path binary) {
        return versions.computeIfAbsent(binary, b -> {
            try {
                Process help = new ProcessBuilder(b.toString(), "-h").redirectErrorStream(true).start();
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(help.getInputStream(), StandardCharsets.UTF_8))) {
                    String first = out.readLine();
                    help.waitFor(5, TimeUnit.SECONDS);
                    Matcher m = VERSION.matcher(first == null ? "" : first);
                    return m.find() ? m.group(1) : "(unknown version)";
                }
            } catch (IOException e) {
                return "(unknown version)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "(unknown version)";
            }
        });
    }

    private static String tail(Path file) {
        if (!Files.exists(file)) {
            return "";
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size())) + "\n";
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")\n";
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
