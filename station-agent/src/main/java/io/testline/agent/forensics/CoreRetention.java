package io.testline.agent.forensics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the cores kept in run directories ({@code <runsDir>/<runId>/core}) once they are older than
 * {@code forensics.keepCoresFor}: a core is as big as the program's memory, the rest of a run directory is small and
 * stays. Age is the core's modification time (the crash). A core that cannot be deleted is logged and left for the
 * next start; nothing here stops the agent.
 */
public final class CoreRetention {
  private static final Logger log = LoggerFactory.getLogger(CoreRetention.class);

  private final Path runsDir;
  private final Duration keepFor;
  private final Clock clock;

  public CoreRetention(Path runsDir, Duration keepFor, Clock clock) {
    this.runsDir = runsDir;
    this.keepFor = keepFor;
    this.clock = clock;
  }

  /** Deletes every expired core; returns how many bytes were freed. */
  public long deleteExpired() {
    if (!Files.isDirectory(runsDir)) {
      return 0;
    }
    Instant cutoff = clock.instant().minus(keepFor);
    long freed = 0;
    int deleted = 0;
    try (DirectoryStream<Path> runs = Files.newDirectoryStream(runsDir)) {
      for (Path run : runs) {
        Path core = run.resolve(CoreFiles.CORE_NAME);
        try {
          if (!Files.isRegularFile(core, LinkOption.NOFOLLOW_LINKS)
              || !Files.getLastModifiedTime(core, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
            continue;
          }
          long size = Files.size(core);
          Files.delete(core);
          freed += size;
          deleted++;
        } catch (IOException e) {
          log.warn("cannot delete expired core {}: {}", core, e.toString(), e);
        }
      }
    } catch (IOException e) {
      log.warn("cannot list run directories in {} for expired cores: {}", runsDir, e.toString(), e);
    }
    if (deleted > 0) {
      log.info("deleted {} core(s) older than forensics.keepCoresFor {} ({} bytes)", deleted, keepFor, freed);
    }
    return freed;
  }
}
