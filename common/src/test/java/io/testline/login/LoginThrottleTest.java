package io.testline.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LoginThrottle throttle = new LoginThrottle(
      new LoginLimits(3, 5, WINDOW, Duration.ofSeconds(30), Duration.ofMinutes(4), 100), clock, registry, "web");

  @Test
  void a_user_is_refused_after_the_limit_for_a_delay_that_doubles_with_each_further_failure() {
    fail("alice", "10.0.0.1", 3);
    assertThat(retryAfter("alice", "10.0.0.2")).as("any address, for this user").isEqualTo(Duration.ofSeconds(30));
    throttle.check("bob", "10.0.0.2");

    clock.advance(Duration.ofSeconds(29));
    assertThat(retryAfter("alice", null)).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    throttle.check("alice", null);

    fail("alice", "10.0.0.2", 1);
    assertThat(retryAfter("alice", null)).isEqualTo(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    fail("alice", "10.0.0.3", 1);
    assertThat(retryAfter("alice", null)).isEqualTo(Duration.ofSeconds(120));
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(4));
      fail("alice", "10.0.0." + (4 + i), 1);
    }
    assertThat(retryAfter("alice", null)).as("capped at maxDelay").isEqualTo(Duration.ofMinutes(4));

    assertThat(registry.counter("testline.access.login.failures", "listener", "web").count()).isEqualTo(9);
    assertThat(registry.counter("testline.access.login.lockouts", "listener", "web", "scope", "user").count())
        .isEqualTo(7);
    assertThat(registry.counter("testline.access.login.throttled", "listener", "web").count()).isEqualTo(5);
  }

  @Test
  void an_address_is_refused_after_its_own_limit_whatever_names_it_tries() {
    for (int i = 0; i < 5; i++) {
      fail("user" + i, "10.0.0.9", 1);
    }
    assertThat(retryAfter("someone-else", "10.0.0.9")).isEqualTo(Duration.ofSeconds(30));
    assertThat(retryAfter(null, "10.0.0.9")).as("the token too").isEqualTo(Duration.ofSeconds(30));
    throttle.check("someone-else", "10.0.0.10");
    assertThat(registry.counter("testline.access.login.lockouts", "listener", "web", "scope", "address").count())
        .isEqualTo(1);
  }

  @Test
  void a_success_clears_the_count_of_the_user_and_the_address() {
    fail("alice", "10.0.0.1", 2);
    throttle.succeeded("alice", "10.0.0.1");
    fail("alice", "10.0.0.1", 2);
    throttle.check("alice", "10.0.0.1");
  }

  @Test
  void failures_further_apart_than_the_window_do_not_add_up() {
    fail("alice", "10.0.0.1", 2);
    clock.advance(WINDOW.plusSeconds(1));
    fail("alice", "10.0.0.1", 2);
    throttle.check("alice", "10.0.0.1");
    fail("alice", "10.0.0.1", 1);
    assertThat(retryAfter("alice", null)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void remembers_at_most_its_capacity_of_names_and_addresses() {
    for (int i = 0; i < 1000; i++) {
      throttle.failed("spray-" + i + "-" + "x".repeat(500), "10.1." + (i / 250) + "." + (i % 250));
    }
    assertThat(throttle.remembered()).isEqualTo(100);
  }

  @Test
  void limits_are_read_from_the_prefix_and_errors_name_the_key() {
    LoginLimits limits = LoginLimits.load(ConfigSource.of(Map.of("web.login.maxFailuresPerUser", "7",
        "web.login.delay", "2s")), "web");
    assertThat(limits.maxFailuresPerUser()).isEqualTo(7);
    assertThat(limits.delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(limits.maxDelay()).isEqualTo(LoginLimits.DEFAULT_MAX_DELAY);
    assertThat(LoginLimits.load(ConfigSource.of(Map.of()), "http")).isEqualTo(LoginLimits.defaults());
    assertThatThrownBy(() -> LoginLimits.load(ConfigSource.of(Map.of("http.login.maxFailuresPerUser", "0")), "http"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.login.maxFailuresPerUser");
    assertThatThrownBy(() -> LoginLimits.load(ConfigSource.of(Map.of("http.login.delay", "1m",
        "http.login.maxDelay", "30s")), "http"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.login.maxDelay");
  }

  private void fail(String user, String address, int times) {
    for (int i = 0; i < times; i++) {
      throttle.check(user, address);
      throttle.failed(user, address);
    }
  }

  private Duration retryAfter(String user, String address) {
    try {
      throttle.check(user, address);
      return Duration.ZERO;
    } catch (LoginThrottled e) {
      assertThat(e.getMessage()).isEqualTo("Too many failed logins: try again in " + e.retryAfterSeconds() + " s");
      return e.retryAfter();
    }
  }

  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-12-07T08:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
