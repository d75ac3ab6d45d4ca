package io.testline.cli.replay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps each partition's lines in its own temporary file beside the output, so records read interleaved across
 * partitions end up ordered by (topic, partition, offset) without holding them in memory.
 */
final class PartitionSpool implements AutoCloseable {
  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private final Path dir;
  private final Map<TopicPartition, OutputStream> open = new TreeMap<>(ORDER);
  private String lastTopic;
  private int lastPartition;
  private OutputStream last;

  PartitionSpool(Path output) throws IOException {
    Path parent = output.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    this.dir = Files.createTempDirectory(parent, ".replay-");
  }

  /** The buffered stream of {@code partition}'s lines. */
  OutputStream out(String topic, int partition) {
    // records come in runs of one partition (a fetch's batch), so the last stream is usually the one asked for
    if (last != null && partition == lastPartition && topic.equals(lastTopic)) {
      return last;
    }
    OutputStream out = open.computeIfAbsent(new TopicPartition(topic, partition), tp -> {
      try {
        return new BufferedOutputStream(Files.newOutputStream(file(tp)), 1 << 16);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    lastTopic = topic;
    lastPartition = partition;
    last = out;
    return out;
  }

  /** Writes {@code header} then every partition's lines in order to {@code output}, replacing it. */
  void mergeInto(Path output, byte[] header) throws IOException {
    for (OutputStream out : open.values()) {
      out.close();
    }
    Path merged = dir.resolve("merged");
    try (FileChannel out = FileChannel.open(merged, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(header));
      for (TopicPartition tp : open.keySet()) {
        try (FileChannel in = FileChannel.open(file(tp), StandardOpenOption.READ)) {
          long size = in.size();
          for (long done = 0; done < size; ) {
            done += in.transferTo(done, size - done, out);
          }
        }
      }
    }
    Files.move(merged, output, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path file(TopicPartition tp) {
    return dir.resolve(tp.topic() + "-" + tp.partition());
  }

  @Override
  public void close() throws IOException {
    for (OutputStream out : open.values()) {
      out.close();
    }
    open.clear();
    last = null;
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }
}
