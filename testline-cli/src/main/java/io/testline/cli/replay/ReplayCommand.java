package io.testline.cli.replay;

import io.testline.cli.events.EventFilter;
import io.testline.cli.kafka.KafkaClientOptions;
import io.testline.schemas.TopicNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code testline replay}: a time window of Kafka topics to a JSONL or CSV file, and optionally to another topic. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Exports the records of Kafka topics whose timestamps fall in [--from, --to), filtered by station "
        + "or serial number, ordered by topic, partition and offset, with their provenance; reads without a consumer "
        + "group. --republish-to copies them into another existing topic with a testline.replay.source header."})
public final class ReplayCommand implements Callable<Integer> {
  /** The {@code --topic} names and the contract topic each stands for. */
  enum TopicChoice {
    events, logs, station_state, verdicts, deadletter, seq_gaps;

    String name(TopicNames names) {
      return switch (this) {
        case events -> names.events();
        case logs -> names.logs();
        case station_state -> names.stationState();
        case verdicts -> names.verdicts();
        case deadletter -> names.deadLetter();
        case seq_gaps -> names.seqGaps();
      };
    }
  }

  @Option(names = "--from", required = true, converter = InstantConverter.class,
      description = "ISO-8601 instant (2026-12-03T06:00:00Z) or a duration back from now (8h)")
  Instant from;

  @Option(names = "--to", converter = InstantConverter.class, description = "exclusive; default: now")
  Instant to;

  @Option(names = "--station", description = "only this stationId")
  String station;

  @Option(names = "--serial", description = "only this serial number (data.serialNumber)")
  String serial;

  @Option(names = "--topic", split = ",", converter = TopicChoiceConverter.class,
      description = "events, logs, station-state, verdicts, deadletter, seq-gaps (repeatable); default: events")
  List<TopicChoice> topics = List.of(TopicChoice.events);

  @Option(names = "--format", defaultValue = "jsonl", converter = FormatConverter.class,
      description = "jsonl or csv; default: ${DEFAULT-VALUE}")
  ReplayFormat format;

  @Option(names = "--output", required = true, description = "the export file")
  Path output;

  @Option(names = "--republish-to", description = "an existing topic to copy the selected records into")
  String republishTo;

  @Mixin
  KafkaClientOptions kafka;

  @Override
  public Integer call() throws Exception {
    Instant end = to == null ? Instant.now() : to;
    TopicNames names = kafka.topics();
    List<String> topicNames = topics.stream().map(t -> t.name(names)).distinct().toList();
    Replay.Result result = new Replay(kafka.clientProps(), System.err, Clock.systemUTC()).run(new Replay.Request(
        from, end, topicNames, EventFilter.of(station, serial), format, output, republishTo));
    if (republishTo != null) {
      System.out.println("republished " + result.republished() + " records to " + republishTo);
    }
    System.out.println("replayed " + result.written() + " records from " + from + " to " + end + " ("
        + String.join(", ", topicNames) + ") into " + output);
    return 0;
  }

  /** {@code station-state} and the like, as on the command line. */
  static final class TopicChoiceConverter implements CommandLine.ITypeConverter<TopicChoice> {
    @Override
    public TopicChoice convert(String value) {
      try {
        return TopicChoice.valueOf(value.trim().replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("\"" + value
            + "\" is not one of events, logs, station-state, verdicts, deadletter, seq-gaps");
      }
    }
  }

  static final class FormatConverter implements CommandLine.ITypeConverter<ReplayFormat> {
    @Override
    public ReplayFormat convert(String value) {
      try {
        return ReplayFormat.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("\"" + value + "\" is not jsonl or csv");
      }
    }
  }
}
