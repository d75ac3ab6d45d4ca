package io.testline.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Explains a mosquitto that did not come to own its port: another process holds the port (a
 * {@link ServerUnavailableException}) or mosquitto never accepted connections; either way with the tail of its log
 * and of its output.
 */
final class MosquittoStartFailure {

    private MosquittoStartFailure() {
    }

    /** The exception to throw for {@code child}, killed after it did not own {@code port} within {@code timeout}. */
    static RuntimeException of(Process child, int port, Duration timeout, Path logFile, Path outFile) {
        String exit = child.isAlive() ? "none" : String.valueOf(child.exitValue());
        String output = tail(logFile) + tail(outFile);
        if (!Listeners.on(port).isEmpty() || Ports.accepts(Ports.LOOPBACK, port)) {
            String notOurs = PortGuard.notOurs(port, child.pid(), "MQTT broker (mosquitto)").getMessage();
            return new ServerUnavailableException(port, notOurs + " (mosquitto exit " + exit + "); its log:\n"
                    + output);
        }
        return new IllegalStateException("mosquitto did not accept connections on port " + port + " within "
                + timeout + " (exit " + exit + "); its log:\n" + output);
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
}
