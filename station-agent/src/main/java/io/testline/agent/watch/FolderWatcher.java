package io.testline.agent.watch;

import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.Journal;
import io.testline.schemas.Payload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
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
 * file is published exactly once across restarts. A file that cannot be read is renamed with {@code .rejected} and
 * the reason logged.
 */
public final class FolderWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);
  static final String REJECTED_SUFFIX = ".rejected";

  private record Seen(long size, long modified, long sinceMs) {}

  private final Path folder;
  private final AgentConfig config;
  private final Journal journal;
  private final Clock clock;
  private final ResultFileReader reader;
  private final Map<Path, Seen> seen = new HashMap<>();
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();

  public FolderWatcher(Path folder, AgentConfig config, Journal journal, Clock clock) {
    this.folder = folder;
    this.config = config;
    this.journal = journal;
    this.clock = clock;
    this.reader = new ResultFileReader(config.watch().mapping(), clock);
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
      }
    }, 0, poll, TimeUnit.MILLISECONDS);
  }

  /** Publishes every complete file in the folder now; returns how many. */
  public synchronized int scanOnce() throws IOException {
    int done = 0;
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(Files::isRegularFile).filter(this::candidate).sorted().toList();
    }
    for (Path file : files) {
      if (complete(file)) {
        done += process(file) ? 1 : 0;
      }
    }
    seen.keySet().retainAll(files);
    return done;
  }

  private boolean candidate(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".") && !name.endsWith(config.watch().processedSuffix()) && !name.endsWith(REJECTED_SUFFIX)
        && !name.endsWith(".tmp") && !name.endsWith(".part");
  }

  private boolean complete(Path file) throws IOException {
    long size = Files.size(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    long now = clock.millis();
    Seen before = seen.get(file);
    if (before == null || before.size() != size || before.modified() != modified) {
      seen.put(file, new Seen(size, modified, now));
      return config.watch().settle().isZero();
    }
    return now - before.sinceMs() >= config.watch().settle().toMillis();
  }

  private boolean process(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    String key = file.getFileName() + ":" + sha256(content);
    if (!journal.watchedBefore(key)) {
      List<Payload> events;
      try {
        events = reader.read(file.getFileName().toString(), content, Instant.ofEpochMilli(
            Files.getLastModifiedTime(file).toMillis()));
      } catch (IllegalArgumentException e) {
        log.error("result file {} rejected: {}", file, e.getMessage(), e);
        Files.move(file, file.resolveSibling(file.getFileName() + REJECTED_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        seen.remove(file);
        return false;
      }
      journal.appendWatched(key, events, clock.instant());
      log.info("result file {} journaled as a run", file);
    } else {
      log.info("result file {} was journaled before; marking it processed", file);
    }
    Files.move(file, file.resolveSibling(file.getFileName() + config.watch().processedSuffix()),
        StandardCopyOption.ATOMIC_MOVE);
    seen.remove(file);
    return true;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
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
