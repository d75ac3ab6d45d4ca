package io.testline.agent.forensics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the minidump Windows Error Reporting wrote for the test program from the LocalDumps folder
 * ({@code forensics.minidumpDir}): WER names them {@code <exe>.<pid>.dmp}; one whose pid is the program's or that of
 * a process of its tree the agent knew, written after the run started, is copied into the run directory. Older dumps
 * and dumps of other processes are left alone. Anything that goes wrong is a reason, never an error.
 */
final class Minidumps {
  /** WER's LocalDumps name: the executable's file name, the pid, {@code .dmp}. */
  static final Pattern NAME = Pattern.compile("^(.+)\\.(\\d+)\\.dmp$", Pattern.CASE_INSENSITIVE);

  private final Path dir;
  private final long maxBytes;

  Minidumps(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** A minidump kept in the run directory (its name there), or why none was. Both null: there was none. */
  record Kept(String name, String reason) {}

  Kept keep(Set<Long> pids, Instant runStart, Path runDir) {
    Path found = null;
    Instant newest = null;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{dmp,DMP}")) {
      for (Path file : files) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(file) || !pids.contains(parsePid(m.group(2)))) {
          continue;
        }
        Instant written = Files.getLastModifiedTime(file).toInstant();
        if (written.isBefore(runStart.minusSeconds(1)) || (newest != null && written.isBefore(newest))) {
          continue;
        }
        found = file;
        newest = written;
      }
    } catch (IOException e) {
      return new Kept(null, "cannot read forensics.minidumpDir " + dir + ": " + e);
    }
    if (found == null) {
      return new Kept(null, null);
    }
    try {
      long size = Files.size(found);
      if (size > maxBytes) {
        return new Kept(null, "minidump " + found + " of " + size + " bytes not kept: over forensics.coreMaxBytes "
            + maxBytes);
      }
      String name = safeName(found.getFileName().toString());
      Files.copy(found, runDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      return new Kept(name, null);
    } catch (IOException e) {
      return new Kept(null, "cannot copy minidump " + found + " into the run directory: " + e);
    }
  }

  /** WER keeps the executable's name, spaces and all; the copy gets a plain file name. */
  static String safeName(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return Character.isLetterOrDigit(safe.charAt(0)) ? safe : "m" + safe;
  }

  private static long parsePid(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
