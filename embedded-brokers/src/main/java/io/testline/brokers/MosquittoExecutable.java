package io.testline.brokers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The mosquitto executable: finds it, asks its version (once per executable) and runs it on a configuration. */
final class MosquittoExecutable {

    private static final List<Path> SEARCH_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"));
    private static final Pattern VERSION = Pattern.compile("mosquitto version (\\S+)");
    private static final Map<Path, String> versions = new ConcurrentHashMap<>();

    private MosquittoExecutable() {
    }

    /** As {@link MosquittoBroker#findBinary()}: on {@code PATH}, then in {@code /usr/sbin}, {@code /usr/local/sbin}. */
    static Optional<Path> find() {
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

    /** The version {@code binary -h} reports, or {@code (unknown version)}. */
    static String version(Path binary) {
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

    /**
     * Runs {@code binary} on {@code configFile} in {@code workDir}, in a session of its own (so a terminal's Ctrl-C
     * reaches only the JVM), its output and errors appended to {@code outFile}.
     */
    static Process launch(Path binary, Path configFile, Path workDir, Path outFile) {
        List<String> command = new ArrayList<>(ParentDeathWatch.newSession());
        command.addAll(List.of(binary.toString(), "-c", configFile.toString()));
        try {
            return new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary, e);
        }
    }
}
