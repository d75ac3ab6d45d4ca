package io.testline.agent.forensics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Finds the core a crashed child left and keeps it in the run directory under the size cap: a plain
 * {@code core_pattern} writes it where the pattern says (the child's working directory for a relative one), from
 * where it is moved into the run directory; a pipe to systemd-coredump is read back with {@code coredumpctl dump}
 * when that is installed. Anything else is a reason, never an error.
 */
final class CoreFiles {
  /** The name of a kept core in the run directory. */
  static final String CORE_NAME = "core";
  /** A core this close to the cap was most likely cut at the limit: incomplete, so not kept. */
  private static final long TRUNCATION_MARGIN = 4096;

  private final CorePattern pattern;
  private final long maxBytes;
  private final Tools tools;
  private final Duration timeout;

  CoreFiles(CorePattern pattern, long maxBytes, Tools tools, Duration timeout) {
    this.pattern = pattern;
    this.maxBytes = maxBytes;
    this.tools = tools;
    this.timeout = timeout;
  }

  /** A kept core, or why none was kept. */
  record Kept(Path core, String reason) {}

  Kept keep(Path runDir, Path workDir, long pid, String executable, Instant runStart)
      throws InterruptedException {
    Path target = runDir.resolve(CORE_NAME);
    if (pattern.pipe()) {
      return fromCoredumpctl(target, pid);
    }
    Optional<Path> file = pattern.file(workDir, pid, executable);
    if (file.isEmpty()) {
      return new Kept(null, pattern.unresolvable());
    }
    Path core = file.get();
    try {
      if (!Files.isRegularFile(core) || Files.getLastModifiedTime(core).toInstant()
          .isBefore(runStart.minusSeconds(1))) {
        return new Kept(null, "no core file at " + core + " (core_pattern \"" + pattern.text()
            + "\"; the core size limit, the directory's permissions or a full disk can prevent it)");
      }
      long size = Files.size(core);
      if (size + TRUNCATION_MARGIN > maxBytes) {
        Files.delete(core);
        return new Kept(null, "core of " + size + " bytes deleted: it reached forensics.coreMaxBytes " + maxBytes
            + " (the kernel cuts a core at the limit)");
      }
      if (!core.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
        Files.move(core, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return new Kept(target, null);
    } catch (IOException e) {
      return new Kept(null, "cannot keep core " + core + ": " + e);
    }
  }

  private Kept fromCoredumpctl(Path target, long pid) throws InterruptedException {
    Optional<Path> coredumpctl = tools.find("coredumpctl");
    if (coredumpctl.isEmpty()) {
      return new Kept(null, pattern.unresolvable() + " and coredumpctl is not installed");
    }
    try {
      BoundedCommand.Result result = BoundedCommand.run(List.of(coredumpctl.get().toString(), "--no-pager",
          "dump", Long.toString(pid), "--output", target.toString()), timeout, 16 * 1024);
      if (!result.succeeded() || !Files.isRegularFile(target)) {
        return new Kept(null, pattern.unresolvable() + "; coredumpctl dump " + pid + " failed: "
            + result.output().strip());
      }
      if (Files.size(target) + TRUNCATION_MARGIN > maxBytes) {
        long size = Files.size(target);
        Files.delete(target);
        return new Kept(null, "core of " + size + " bytes deleted: over forensics.coreMaxBytes " + maxBytes);
      }
      return new Kept(target, null);
    } catch (IOException e) {
      return new Kept(null, pattern.unresolvable() + "; coredumpctl failed: " + e);
    }
  }
}
