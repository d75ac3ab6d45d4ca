package io.testline.cli.tail;

import io.testline.cli.events.EventFilter;
import io.testline.cli.kafka.KafkaClientOptions;
import io.testline.schemas.TopicNames;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code testline tail}: the live events, station state and verdicts from Kafka as JSON lines, until Ctrl-C. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Prints the live stream of the events, station-state and verdicts topics as JSON lines, filtered; "
        + "no consumer group. Runs until Ctrl-C."})
public final class TailCommand implements Callable<Integer> {
  @Option(names = "--station", description = "only this stationId")
  String station;

  @Option(names = "--serial", description = "only this serial number (data.serialNumber)")
  String serial;

  @Option(names = "--type", split = ",", description = "event types, e.g. run.finished,station.death")
  List<String> types = List.of();

  @Option(names = "--outcome", split = ",", description = "data.outcome values, e.g. FAIL,CRASHED")
  List<String> outcomes = List.of();

  @Option(names = "--from-beginning", description = "start at the oldest record instead of the end")
  boolean fromBeginning;

  @Mixin
  KafkaClientOptions kafka;

  @Override
  public Integer call() throws Exception {
    TopicNames names = kafka.topics();
    Set<String> upper = outcomes.stream().map(o -> o.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
    EventTail tail = new EventTail(kafka.clientProps(), List.of(names.events(), names.stationState(),
        names.verdicts()), new EventFilter(station, serial, Set.copyOf(types), upper), fromBeginning, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        tail.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "tail-shutdown"));
    tail.run();
    return 0;
  }
}
