package io.testline.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RandomGenerator NO_JITTER = new RandomGenerator() {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public double nextDouble() {
      return 0.0;
    }
  };

  @Test
  void delays_grow_exponentially_up_to_the_cap() {
    RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0, null);

    assertThat(policy.delayAfter(1, NO_JITTER)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delayAfter(2, NO_JITTER)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delayAfter(4, NO_JITTER)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.delayAfter(5, NO_JITTER)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delayAfter(500, NO_JITTER)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitter_spreads_delays_below_the_computed_value() {
    RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0, 0.5, null);
    SplittableRandom random = new SplittableRandom(42);

    long distinct = java.util.stream.IntStream.range(0, 50)
        .mapToObj(i -> policy.delayAfter(1, random))
        .peek(d -> assertThat(d).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1)))
        .distinct()
        .count();
    assertThat(distinct).isGreaterThan(40);
  }

  @Test
  void no_attempt_is_scheduled_past_the_deadline() {
    RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(1), 2.0, 0.0, Duration.ofMinutes(2));
    Instant first = Instant.parse("2026-11-22T00:00:00Z");

    assertThat(policy.nextAttemptAt(1, first, first.plusSeconds(5), NO_JITTER)).contains(first.plusSeconds(15));
    assertThat(policy.nextAttemptAt(4, first, first.plusSeconds(100), NO_JITTER)).isEmpty();
  }

  @Test
  void bad_settings_are_refused_naming_the_parameter() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 2, 0, null))
        .hasMessageStartingWith("initialDelay");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, null))
        .hasMessageStartingWith("maxDelay");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0, null))
        .hasMessageStartingWith("multiplier");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5, null))
        .hasMessageStartingWith("jitter");
  }
}
