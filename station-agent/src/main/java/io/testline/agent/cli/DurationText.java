package io.testline.agent.cli;

import io.testline.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/** Reads a duration option the way the config reads durations (30s, 5m, PT1H). */
final class DurationText {
  private DurationText() {}

  static Duration parse(CommandLine commandLine, String option, String text) {
    try {
      return ConfigSource.of(Map.of(option, text)).duration(option, null, Duration.ofMillis(1), Duration.ofDays(30));
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
    }
  }
}
