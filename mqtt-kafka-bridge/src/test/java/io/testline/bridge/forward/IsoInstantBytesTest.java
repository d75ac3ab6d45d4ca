package io.testline.bridge.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantBytesTest {
  private final IsoInstantBytes format = new IsoInstantBytes();

  @Test
  void writes_exactly_what_instant_to_string_writes_for_every_kind_of_fraction() {
    long second = Instant.parse("2026-12-07T22:40:01Z").getEpochSecond();
    for (int nanos : new int[] {0, 1, 7, 999_999_999, 1_000, 123_000, 999_000, 1_000_000, 120_000_000, 500_000_000,
        123_456_789, 100_000_001}) {
      assertSame(Instant.ofEpochSecond(second, nanos));
    }
  }

  @Test
  void writes_exactly_what_instant_to_string_writes_across_seconds_years_and_centuries() {
    SplittableRandom random = new SplittableRandom(26);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      long second = random.nextLong(min, max + 1);
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      assertSame(Instant.ofEpochSecond(second, nanos));
      // the same second again: from the kept date and time
      assertSame(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)));
    }
  }

  @Test
  void leaves_years_beyond_four_digits_to_the_jdk() {
    assertSame(Instant.parse("+10000-01-01T00:00:00.5Z"));
    assertSame(Instant.MAX);
    assertSame(Instant.MIN);
    assertSame(Instant.parse("2026-12-07T22:40:01.25Z"));
  }

  private void assertSame(Instant instant) {
    assertThat(new String(format.format(instant), StandardCharsets.US_ASCII)).isEqualTo(instant.toString());
  }
}
