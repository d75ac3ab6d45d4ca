package io.testline.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.cli.events.EventFilter;
import io.testline.kafka.TopicWindow;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Replays a time window of Kafka topics into a file: each topic read with {@link TopicWindow}, filtered on the
 * event envelope, written in (topic, partition, offset) order, and optionally republished to another topic.
 * A value is parsed only when the filter or the format needs it. The calling thread reads Kafka; filtering, writing
 * and republishing run behind it on one thread of their own ({@link WriteBehind}), in the order read.
 */
public final class Replay {

  /** What to replay. {@code to == null}: up to the topics' current end; {@code republishTo} may be null. */
  public record Request(Instant from, Instant to, List<String> topics, EventFilter filter, ReplayFormat format,
      Path output, String republishTo) {
    public Request {
      Objects.requireNonNull(from, "from");
      if (to != null && !to.isAfter(from)) {
        throw new IllegalArgumentException("to: " + to + " is not after from: " + from);
      }
      if (topics == null || topics.isEmpty()) {
        throw new IllegalArgumentException("topics: at least one topic is needed");
      }
      topics = List.copyOf(topics);
      filter = filter == null ? EventFilter.ALL : filter;
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(output, "output");
    }
  }

  /** What was replayed: records written to the file, and those acknowledged by the republish topic (or -1). */
  public record Result(long written, long republished) {}

  private final Map<String, Object> clientProps;
  private final PrintStream progressOut;
  private final Clock clock;

  public Replay(Map<String, Object> clientProps, PrintStream progressOut, Clock clock) {
    this.clientProps = Map.copyOf(clientProps);
    this.progressOut = progressOut;
    this.clock = clock;
  }

  public Result run(Request request) throws IOException {
    RowWriter writer = request.format().newWriter();
    boolean parse = request.filter().hasCriteria() || writer.needsTree();
    Progress progress = new Progress(progressOut, clock);
    TopicWindow window = new TopicWindow(clientProps);
    long[] written = {0};
    try (PartitionSpool spool = new PartitionSpool(request.output());
         Republisher republisher = request.republishTo() == null ? null
             : new Republisher(clientProps, request.republishTo());
         WriteBehind writing = new WriteBehind("replay-writer", record -> {
           JsonNode event = parse ? parse(record) : null;
           if (!request.filter().matches(event)) {
             return;
           }
           try {
             writer.write(record, event, spool.out(record.topic(), record.partition()));
           } catch (IOException e) {
             throw new UncheckedIOException(e);
           }
           if (republisher != null) {
             republisher.send(record);
           }
           written[0]++;
         })) {
      for (String topic : request.topics()) {
        progress.topic(topic, WindowSize.of(clientProps, topic, request.from(), request.to()));
        window.read(topic, request.from(), request.to(), record -> {
          progress.tick();
          writing.accept(record);
        });
      }
      writing.finish();
      spool.mergeInto(request.output(), writer.header());
      return new Result(written[0], republisher == null ? -1 : republisher.finish());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The value as a JSON tree, or null when it is not JSON. */
  private static JsonNode parse(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      return EventJson.mapper().readTree(record.value());
    } catch (IOException notJson) {
      return null;
    }
  }
}
