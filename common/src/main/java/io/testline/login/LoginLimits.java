package io.testline.login;

import io.testline.config.ConfigSource;
import java.time.Duration;

/**
 * How a listener limits password guessing ({@link LoginThrottle}), read from {@code <prefix>.login.*}: after
 * {@code maxFailuresPerUser} failed attempts for one user name, or {@code maxFailuresPerAddress} from one client
 * address, each within {@code window} of the previous one, further attempts are refused for {@code delay}, doubled
 * with every further failure up to {@code maxDelay}. {@code capacity} bounds the names and addresses remembered.
 */
public record LoginLimits(int maxFailuresPerUser, int maxFailuresPerAddress, Duration window, Duration delay,
    Duration maxDelay, int capacity) {
  public static final int DEFAULT_MAX_FAILURES_PER_USER = 5;
  // a shared terminal or a NAT gateway puts a whole line behind one address
  public static final int DEFAULT_MAX_FAILURES_PER_ADDRESS = 20;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
  public static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(15);
  public static final int DEFAULT_CAPACITY = 10_000;

  public LoginLimits {
    requirePositive("maxFailuresPerUser", maxFailuresPerUser);
    requirePositive("maxFailuresPerAddress", maxFailuresPerAddress);
    requirePositive("capacity", capacity);
    requirePositive("window", window);
    requirePositive("delay", delay);
    requirePositive("maxDelay", maxDelay);
    if (maxDelay.compareTo(delay) < 0) {
      throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than delay " + delay);
    }
  }

  public static LoginLimits defaults() {
    return new LoginLimits(DEFAULT_MAX_FAILURES_PER_USER, DEFAULT_MAX_FAILURES_PER_ADDRESS, DEFAULT_WINDOW,
        DEFAULT_DELAY, DEFAULT_MAX_DELAY, DEFAULT_CAPACITY);
  }

  /** The limits under {@code <prefix>.login}; every error names its key. */
  public static LoginLimits load(ConfigSource source, String prefix) {
    String p = prefix + ".login.";
    Duration delay = source.duration(p + "delay", DEFAULT_DELAY, Duration.ofMillis(1), Duration.ofDays(1));
    Duration maxDelay = source.duration(p + "maxDelay", delay.compareTo(DEFAULT_MAX_DELAY) > 0 ? delay
        : DEFAULT_MAX_DELAY, delay, Duration.ofDays(1));
    return new LoginLimits(
        source.integer(p + "maxFailuresPerUser", DEFAULT_MAX_FAILURES_PER_USER, 1, 1000),
        source.integer(p + "maxFailuresPerAddress", DEFAULT_MAX_FAILURES_PER_ADDRESS, 1, 100_000),
        source.duration(p + "window", DEFAULT_WINDOW, Duration.ofSeconds(1), Duration.ofDays(7)),
        delay, maxDelay,
        source.integer(p + "capacity", DEFAULT_CAPACITY, 100, 10_000_000));
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
