package io.testline.brokers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pid files of the child servers, kept in their data folders, and the cleanup at the next start: a process left
 * running by an earlier JVM that died without stopping it (kill -9, power cut of the JVM only) is stopped when the
 * pid file names a live process whose command line is that server's on that folder. Any other process is left alone:
 * a pid may have been reused.
 */
final class Orphans {

    private static final Logger log = LoggerFactory.getLogger(Orphans.class);

    private Orphans() {
    }

    static void writePid(Path pidFile, long pid) {
        try {
            Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            // without the file only the next start's cleanup is lost; the parent-death watch still works
            log.warn("could not write pid file {}: {}", pidFile, e.toString());
        }
    }

    static void deletePid(Path pidFile) {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            log.warn("could not delete pid file {}: {}", pidFile, e.toString());
        }
    }

    /** The pid on the first line of {@code pidFile}, if it holds one. */
    static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the process {@code pidFile} names if it is alive and its command line contains every one of
     * {@code markers}: first with {@code signal}, then SIGKILL after {@code timeout}.
     *
     * @return true when no process of ours is left (none was running, or it stopped); the pid file is then stale
     */
    static boolean stopOrphan(Path pidFile, String what, List<String> markers, String signal, Duration timeout) {
        Optional<Long> pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            log.info("{}: pid file {} names pid {}, which has exited", what, pidFile, pid.get());
            return true;
        }
        String command = Listeners.commandLine(pid.get());
        if (command.isEmpty() || !markers.stream().allMatch(command::contains)) {
            log.info("{}: pid file {} names pid {}, which is not ours ({}); leaving it alone", what, pidFile,
                    pid.get(), command.isEmpty() ? "command line not readable" : command);
            return true;
        }
        log.warn("{}: stopping pid {} left running by an earlier process on {} ({})", what, pid.get(),
                pidFile.getParent(), command);
        signal(pid.get(), signal);
        if (!await(process.get(), timeout)) {
            log.warn("{}: pid {} did not exit within {} of SIG{}, killing it", what, pid.get(), timeout, signal);
            process.get().destroyForcibly();
            if (!await(process.get(), timeout)) {
                return false;
            }
        }
        return true;
    }

    /** Sends a signal by name ({@code TERM}, {@code INT}, ...) with {@code kill}; Java only sends TERM and KILL. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, String.valueOf(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("could not send SIG{} to pid {}: {}", signal, pid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean await(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
