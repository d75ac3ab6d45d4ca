package io.testline.cli.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** An ISO-8601 instant ({@code 2026-12-03T06:00:00Z}) or a duration back from now ({@code 8h}, {@code 30m}). */
public final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
  private final Clock clock;

  public InstantConverter() {
    this(Clock.systemUTC());
  }

  InstantConverter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Instant convert(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return clock.instant().minus(Duration.parse("PT" + text.toUpperCase(Locale.ROOT)));
      } catch (DateTimeParseException e2) {
        throw new CommandLine.TypeConversionException("\"" + text + "\" is neither an ISO-8601 instant "
            + "(2026-12-03T06:00:00Z) nor a duration back from now (8h, 30m)");
      }
    }
  }
}
