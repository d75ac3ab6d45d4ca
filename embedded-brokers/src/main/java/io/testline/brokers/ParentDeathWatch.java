package io.testline.brokers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a child server when this JVM dies without stopping it (kill -9, OOM killer): a tiny {@code sh} watcher
 * blocks reading a pipe from this JVM; the kernel closes the pipe when the JVM dies, the read ends without a line,
 * and the watcher signals the server if its command line still holds the marker. {@link #close()} writes a line, so
 * the watcher exits without signalling anything.
 *
 * <p>Why not {@code prctl(PR_SET_PDEATHSIG)} (e.g. {@code setpriv --pdeathsig}): it fires when the <em>thread</em>
 * that started the child exits, and in a JVM that is any thread that happened to start a broker, so brokers would
 * die with a test's or a restart's thread. PostgreSQL is started through {@code pg_ctl}, which detaches the
 * postmaster, so it could not have it anyway. Each watcher runs in its own session, as the servers do, so a
 * terminal's Ctrl-C reaches the JVM only and the JVM stops the servers in order.
 */
final class ParentDeathWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ParentDeathWatch.class);
    private static final String SCRIPT = "if read -r line; then exit 0; fi; "
            + "if grep -qF -- \"$2\" /proc/$1/cmdline 2>/dev/null; then kill -s $3 $1; fi";
    private static final ParentDeathWatch NONE = new ParentDeathWatch(null);

    private final Process watcher;

    private ParentDeathWatch(Process watcher) {
        this.watcher = watcher;
    }

    /**
     * Watches for this JVM's death and then sends {@code signal} to {@code pid} if its command line contains
     * {@code marker}. Where there is no {@code /proc} or no {@code sh}, nothing watches (pid files remain).
     */
    static ParentDeathWatch start(long pid, String marker, String signal) {
        if (!Listeners.supported()) {
            return NONE;
        }
        List<String> command = new ArrayList<>(newSession());
        command.addAll(List.of("sh", "-c", SCRIPT, "testline-watch", String.valueOf(pid), marker, signal));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new ParentDeathWatch(process);
        } catch (IOException e) {
            log.warn("no parent-death watch for pid {} ({}); an orphan is stopped at the next start instead", pid,
                    e.toString());
            return NONE;
        }
    }

    /** A watch that watches nothing. */
    static ParentDeathWatch none() {
        return NONE;
    }

    /** {@code setsid} (util-linux) when installed: the command it runs keeps its pid and leaves our session. */
    static List<String> newSession() {
        return findSetsid().map(p -> List.of(p.toString())).orElse(List.of());
    }

    private static Optional<Path> findSetsid() {
        return List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
                .filter(Files::isExecutable).findFirst();
    }

    /** The watcher's pid, for tests. */
    Optional<Long> pid() {
        return Optional.ofNullable(watcher).map(Process::pid);
    }

    /** Dismisses the watcher; the server is then stopped by its owner. Idempotent. */
    @Override
    public void close() {
        if (watcher == null || !watcher.isAlive()) {
            return;
        }
        try (OutputStream in = watcher.getOutputStream()) {
            in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the watcher is gone already (e.g. killed with its process group); nothing left to dismiss
        }
        try {
            if (!watcher.waitFor(2, TimeUnit.SECONDS)) {
                watcher.destroyForcibly();
            }
        } catch (InterruptedException e) {
            watcher.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
