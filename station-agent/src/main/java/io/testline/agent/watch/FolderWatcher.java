package io.testline.agent.watch;

import io.testline.agent.atml.AtmlImporter;
import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.Admission;
import io.testline.agent.journal.Journal;
import io.testline.agent.journal.JournalException;
import io.testline.agent.openhtf.OpenHtfImporter;
import io.testline.schemas.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a folder for result files of programs that cannot be changed. A file counts as complete once its size and
 * modification time stayed the same for {@code watch.settle}. Each file is journaled as one run (run.started, its
 * steps, run.finished) together with its content key (name and SHA-256) in one transaction, then renamed with
 * {@code watch.processedSuffix}; an agent that dies between the two finds the key at restart and only renames. So each
 * file is published exactly once across restarts. A file that cannot be read is renamed with {@code .rejected}, the
 * reason written beside it ({@code <name>.rejected.reason.txt}) and logged; the watcher goes on with the others. While
 * the journal refuses new runs (full, or the disk below its floor) files are left in the folder, not lost. A file over
 * {@code watch.maxFileBytes} is rejected unread. A file is read as a stream, twice: once for its SHA-256, once by the
 * importer (which must get the same bytes), so the agent's memory does not grow with the file. The {@link WatchFormat} says how files are read: testline's own
 * fields, OpenHTF test records or ATML test results.
 */
public final class FolderWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);
  static final String REJECTED_SUFFIX = ".rejected";
  static final String REASON_SUFFIX = ".reason.txt";

  private record Seen(long size, long modified, long sinceMs) {}

  private final Path folder;
  private final AgentConfig config;
  private final Journal journal;
  private final Clock clock;
  private final FileImporter reader;
  private final Map<Path, Seen> seen = new HashMap<>();
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean refusedBefore;

  public FolderWatcher(Path folder, AgentConfig config, Journal journal, Clock clock) {
    this(folder, WatchFormat.TESTLINE, config, journal, clock);
  }

  public FolderWatcher(Path folder, WatchFormat format, AgentConfig config, Journal journal, Clock clock) {
    this.folder = folder;
    this.config = config;
    this.journal = journal;
    this.clock = clock;
    this.reader = switch (format) {
      case TESTLINE -> new ResultFileReader(config.watch().mapping(), clock);
      case OPENHTF -> new ImportedFileReader(config.runsDir(), (content, attachments) -> OpenHtfImporter.read(
          content, attachments, p -> p.toAbsolutePath().toString()));
      case ATML -> new ImportedFileReader(config.runsDir(), (content, attachments) -> AtmlImporter.read(content));
    };
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "folder-watcher");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    long poll = config.watch().poll().toMillis();
    timer.scheduleWithFixedDelay(() -> {
      try {
        scanOnce();
      } catch (IOException | RuntimeException e) {
        log.error("watching {} failed: {}", folder, e.getMessage(), e);
      } catch (Error e) {
        // the executor would end the task without a word: say so before the watcher stops
        log.error("watching {} stopped: {}", folder, e, e);
        throw e;
      }
    }, 0, poll, TimeUnit.MILLISECONDS);
  }

  /**
   * Publishes every complete file in the folder now; returns how many. A file that cannot be published now (it
   * vanished, the journal failed) is left for the next scan and does not hold up the others.
   */
  public synchronized int scanOnce() throws IOException {
    Admission admission = journal.admission();
    if (!admission.admitted()) {
      // the files stay where they are, so nothing is lost; they are published once the journal has room
      if (!refusedBefore) {
        log.warn("watch paused: {}", admission.reason());
      }
      refusedBefore = true;
      return 0;
    }
    refusedBefore = false;
    int done = 0;
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(Files::isRegularFile).filter(this::candidate).sorted().toList();
    }
    for (Path file : files) {
      try {
        if (complete(file)) {
          done += process(file) ? 1 : 0;
        }
      } catch (NoSuchFileException e) {
        log.debug("result file {} vanished before it was read", file);
        seen.remove(file);
      } catch (IOException | JournalException e) {
        log.error("result file {} not published yet, retrying at the next scan: {}", file, e.getMessage(), e);
      }
    }
    seen.keySet().retainAll(files);
    return done;
  }

  private boolean candidate(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".") && !name.endsWith(config.watch().processedSuffix()) && !name.endsWith(REJECTED_SUFFIX)
        && !name.endsWith(REASON_SUFFIX) && !name.endsWith(".tmp") && !name.endsWith(".part");
  }

  /**
   * Complete once size and modification time stayed the same for {@code watch.settle}; a file last modified longer
   * ago than that (it arrived while the agent was down) is complete at first sight.
   */
  private boolean complete(Path file) throws IOException {
    long size = Files.size(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    long now = clock.millis();
    long settle = config.watch().settle().toMillis();
    Seen before = seen.get(file);
    if (before == null || before.size() != size || before.modified() != modified) {
      seen.put(file, new Seen(size, modified, now));
      return now - modified >= settle;
    }
    return now - before.sinceMs() >= settle;
  }

  private boolean process(Path file) throws IOException {
    String sha256 = boundedSha256(file);
    if (sha256 == null) {
      return false;
    }
    String key = file.getFileName() + ":" + sha256;
    if (!journal.watchedBefore(key)) {
      List<Payload> events;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        WatchedContent content = WatchedContent.over(in, config.watch().maxFileBytes(), sha256);
        events = reader.read(file.getFileName().toString(), content, Instant.ofEpochMilli(
            Files.getLastModifiedTime(file).toMillis()));
        // nothing left after the importer read it all; either way the end checks the bytes were the ones hashed
        content.transferTo(OutputStream.nullOutputStream());
      } catch (WatchedContent.Oversize e) {
        reject(file, new IllegalArgumentException(e.getMessage(), e));
        return false;
      } catch (RuntimeException e) {
        reject(file, e);
        return false;
      }
      journal.appendWatched(key, events, clock.instant());
      log.info("result file {} journaled as a run", file);
    } else {
      log.info("result file {} was journaled before; marking it processed", file);
    }
    Files.move(file, vacant(file.resolveSibling(file.getFileName() + config.watch().processedSuffix())),
        StandardCopyOption.ATOMIC_MOVE);
    seen.remove(file);
    return true;
  }

  /**
   * The file's SHA-256, read streaming (the file is never in memory whole); null when it was set aside instead: over
   * {@code watch.maxFileBytes} (refused before a byte is read) or a symbolic link (which could make the agent read a
   * file the tester may not).
   */
  private String boundedSha256(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      reject(file, new IllegalArgumentException("it is a symbolic link; result files are read only as regular "
          + "files"));
      return null;
    }
    long max = config.watch().maxFileBytes();
    long size = Files.size(file);
    if (size > max) {
      reject(file, new IllegalArgumentException("oversize: " + size + " bytes, over watch.maxFileBytes " + max));
      return null;
    }
    try {
      return WatchedContent.sha256(file, max);
    } catch (WatchedContent.Oversize e) {
      reject(file, new IllegalArgumentException(e.getMessage(), e));
      return null;
    }
  }

  /** Sets an unreadable file aside as {@code <name>.rejected}, with the reason beside it in {@code .reason.txt}. */
  private void reject(Path file, RuntimeException why) throws IOException {
    String reason = why.getMessage() == null ? why.getClass().getName() : why.getMessage();
    Path rejected = vacant(file.resolveSibling(file.getFileName() + REJECTED_SUFFIX));
    log.error("result file {} rejected: {}; moved to {}", file, reason, rejected.getFileName(), why);
    Files.move(file, rejected, StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(rejected.resolveSibling(rejected.getFileName() + REASON_SUFFIX), "rejected by testline-agent "
        + "watch at " + clock.instant() + ": " + reason + System.lineSeparator());
    seen.remove(file);
  }

  /** {@code target}, or a name beside it with a counter when a file of that name is there (a reused file name). */
  private static Path vacant(Path target) {
    Path candidate = target;
    for (int i = 1; Files.exists(candidate); i++) {
      String name = target.getFileName().toString();
      int dot = name.lastIndexOf('.');
      candidate = target.resolveSibling(name.substring(0, dot) + "." + i + name.substring(dot));
    }
    return candidate;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
