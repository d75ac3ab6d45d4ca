package io.testline.cli.export;

import io.testline.interop.ExportFormat;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.store.RunSelection;
import io.testline.interop.store.RunWindow;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes runs to their files: each file is written beside its name as {@code .part} and moved into place once
 * complete, so a failed export never leaves a file that looks whole. Reports progress on stderr at most every
 * {@link #EVERY} while a window is exported.
 */
final class Exporter {
  static final Duration EVERY = Duration.ofSeconds(2);

  private final ExportFormat format;
  private final Path output;
  private final boolean toFolder;
  private final PrintStream progress;
  private final Clock clock;

  Exporter(ExportFormat format, Path output, boolean toFolder, PrintStream progress, Clock clock) {
    this.format = format;
    this.output = output;
    this.toFolder = toFolder;
    this.progress = progress;
    this.clock = clock;
  }

  /** One run, to the output file or into the output folder; returns the file written. */
  Path one(RunRecord run) throws IOException {
    Path file = toFolder ? folder().resolve(format.fileName(run.serialNumber(), run.runId())) : output;
    write(file, false, run);
    return file;
  }

  /** Every run of the selection, streamed; returns how many. */
  long all(RunWindow window, RunSelection selection) throws IOException, SQLException {
    long total = window.count(selection);
    long[] done = {0};
    Instant[] next = {clock.instant().plus(EVERY)};
    RunWindow.Visitor tick = run -> {
      done[0]++;
      if (!clock.instant().isBefore(next[0])) {
        next[0] = clock.instant().plus(EVERY);
        progress.println("export: " + done[0] + " / ~" + total + " runs");
      }
    };
    if (toFolder) {
      Path folder = folder();
      return window.forEach(selection, run -> {
        write(folder.resolve(format.fileName(run.serialNumber(), run.runId())), false, run);
        tick.accept(run);
      });
    }
    Path part = partOf(output);
    long n;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part));
        RunsWriter writer = format.writer(out, true)) {
      n = window.forEach(selection, run -> {
        writer.write(run);
        tick.accept(run);
      });
    } catch (IOException | SQLException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    Files.move(part, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return n;
  }

  private void write(Path file, boolean several, RunRecord run) throws IOException {
    Path part = partOf(file);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part));
        RunsWriter writer = format.writer(out, several)) {
      writer.write(run);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path folder() throws IOException {
    return Files.createDirectories(output);
  }

  private static Path partOf(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return file.resolveSibling(file.getFileName() + ".part");
  }
}
