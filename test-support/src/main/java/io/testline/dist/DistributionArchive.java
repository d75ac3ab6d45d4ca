package io.testline.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A distribution archive ({@code target/<name>-<version>.tar.gz} and {@code .zip}) as a user gets it: unpacked with
 * the system's {@code tar}, its launcher run as a process.
 */
public final class DistributionArchive {
  /** The version in the archives' names, as the build passes it ({@code testline.version}). */
  public static final String VERSION = System.getProperty("testline.version", "0.1.0-SNAPSHOT");
  /** Where the module's build wrote its archives ({@code testline.target}, else {@code target}). */
  public static final Path TARGET = Path.of(System.getProperty("testline.target", "target"));
  /** Jars of the build's tests that must never reach a distribution's {@code lib/}. */
  public static final List<String> TEST_ONLY_JAR_PREFIXES = List.of("junit-", "testcontainers", "docker-java",
      "assertj-", "awaitility", "selenium-", "test-support");

  private DistributionArchive() {
  }

  /** Unpacks {@code tarGz} into {@code dir} with {@code tar -xzf} and returns its one top-level folder. */
  public static Path untar(Path tarGz, Path dir) throws IOException, InterruptedException {
    Output tar = run(dir, List.of("tar", "-xzf", tarGz.toAbsolutePath().toString(), "-C", dir.toString()));
    if (tar.exitCode() != 0) {
      throw new IOException("tar -xzf " + tarGz + " exited " + tar.exitCode() + ": " + tar.text());
    }
    try (Stream<Path> top = Files.list(dir)) {
      List<Path> entries = top.toList();
      if (entries.size() != 1 || !Files.isDirectory(entries.get(0))) {
        throw new IOException(tarGz + " does not hold exactly one top-level folder: " + entries);
      }
      return entries.get(0);
    }
  }

  /**
   * The file names in an unpacked distribution's {@code lib/}; fails with an {@link AssertionError} naming any jar of
   * {@link #TEST_ONLY_JAR_PREFIXES}.
   */
  public static List<String> libJars(Path home) throws IOException {
    List<String> jars;
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> testOnly = jars.stream()
        .filter(jar -> TEST_ONLY_JAR_PREFIXES.stream().anyMatch(jar::startsWith)).toList();
    if (!testOnly.isEmpty()) {
      throw new AssertionError(home.resolve("lib") + " ships test-only jars: " + testOnly);
    }
    return jars;
  }

  /** The names of the entries of a zip archive, in archive order. */
  public static List<String> zipEntries(Path zip) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile file = new ZipFile(zip.toFile())) {
      file.stream().map(ZipEntry::getName).forEach(names::add);
    }
    return names;
  }

  /** Runs {@code command} in {@code dir}, stdout and stderr merged; fails after a minute. */
  public static Output run(Path dir, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "process", ".out");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command + " did not end within 60 s: " + Files.readString(out, StandardCharsets.UTF_8));
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return new Output(p.exitValue(), text);
  }

  /** A finished process: its exit code and its merged output. */
  public record Output(int exitCode, String text) {
  }
}
