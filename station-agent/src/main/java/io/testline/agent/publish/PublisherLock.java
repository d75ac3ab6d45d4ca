package io.testline.agent.publish;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Which agent process of a station publishes its journal. Two processes connecting with the station's client id
 * would take the session from each other, and two senders would break the order, so only the holder of this lock
 * (an OS file lock, released by the OS when the process dies, even by SIGKILL) connects; others only journal.
 */
public final class PublisherLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private PublisherLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock if no other process holds it. */
  public static Optional<PublisherLock> tryAcquire(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    return Optional.of(new PublisherLock(channel, lock));
  }

  @Override
  public void close() throws IOException {
    if (channel.isOpen()) {
      lock.release();
      channel.close();
    }
  }
}
