package io.testline.login;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brute-force limit of one listener's password checks (the query API's and the web's through http-access, every
 * service's {@code /metrics} through {@code MetricsEndpoint}) ({@link LoginLimits}): failures are counted per user name
 * and per client address; past the limit every attempt of that name or from that address is refused, the right
 * password too, until the delay has passed, and each further failure doubles the delay. A success clears both
 * counts. Failures are logged (the name, never the password) and counted in {@code testline.access.login.failures};
 * refusals in {@code testline.access.login.throttled}, lock-outs in {@code testline.access.login.lockouts}. At most
 * {@link LoginLimits#capacity()} names and addresses are remembered, the least recently seen forgotten first.
 */
public final class LoginThrottle {
  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
  /** How a check without a user name (a bearer token) is named in log lines. */
  public static final String TOKEN_NAME = "api-token";

  private final LoginLimits limits;
  private final Clock clock;
  private final String listener;
  private final Map<String, Failures> failures;
  private final Counter failed;
  private final Counter throttled;
  private final Counter userLockouts;
  private final Counter addressLockouts;

  /**
   * @param listener names the listener in log lines and the {@code listener} tag of the meters ({@code http},
   *                 {@code web}, {@code metrics})
   */
  public LoginThrottle(LoginLimits limits, Clock clock, MeterRegistry registry, String listener) {
    this.limits = limits;
    this.clock = clock;
    this.listener = listener;
    int capacity = limits.capacity();
    this.failures = new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
        return size() > capacity;
      }
    };
    this.failed = Counter.builder("testline.access.login.failures").tag("listener", listener)
        .description("password or token checks that failed").register(registry);
    this.throttled = Counter.builder("testline.access.login.throttled").tag("listener", listener)
        .description("login attempts refused unchecked (429) because of earlier failures").register(registry);
    this.userLockouts = lockouts(registry, "user");
    this.addressLockouts = lockouts(registry, "address");
  }

  private Counter lockouts(MeterRegistry registry, String scope) {
    return Counter.builder("testline.access.login.lockouts").tag("listener", listener).tag("scope", scope)
        .description("times a user name or client address was locked out").register(registry);
  }

  /**
   * Throws {@link LoginThrottled} (answered with 429 and its {@code Retry-After}) while {@code user} or
   * {@code address} is locked out; call before checking the password.
   *
   * @param user the user name tried; null for a token (logged as {@value #TOKEN_NAME})
   * @param address the client's address; null when unknown
   */
  public void check(String user, String address) {
    Instant now = clock.instant();
    Duration wait;
    synchronized (failures) {
      wait = max(remaining(userKey(user), now), remaining(addressKey(address), now));
    }
    if (!wait.isZero()) {
      throttled.increment();
      throw new LoginThrottled("Too many failed logins: try again in " + retryAfterSeconds(wait) + " s", wait);
    }
  }

  /** Counts a failed attempt of {@code user} (null: a token) from {@code address} (null: unknown). */
  public void failed(String user, String address) {
    failed.increment();
    Instant now = clock.instant();
    String name = user == null ? TOKEN_NAME : printable(user);
    String from = address == null ? "an unknown address" : printable(address);
    Optional<Duration> userLock;
    Optional<Duration> addressLock;
    synchronized (failures) {
      userLock = count(userKey(user), limits.maxFailuresPerUser(), now);
      addressLock = count(addressKey(address), limits.maxFailuresPerAddress(), now);
    }
    log.warn("{}: failed login for user \"{}\" from {}", listener, name, from);
    userLock.ifPresent(d -> {
      userLockouts.increment();
      log.warn("{}: user \"{}\" locked out for {} s after repeated failed logins (the last from {})", listener, name,
          retryAfterSeconds(d), from);
    });
    addressLock.ifPresent(d -> {
      addressLockouts.increment();
      log.warn("{}: address {} locked out for {} s after repeated failed logins", listener, from,
          retryAfterSeconds(d));
    });
  }

  /** Clears the failures of {@code user} and {@code address} after a successful login. */
  public void succeeded(String user, String address) {
    synchronized (failures) {
      String u = userKey(user);
      String a = addressKey(address);
      if (u != null) {
        failures.remove(u);
      }
      if (a != null) {
        failures.remove(a);
      }
    }
  }

  /** How many names and addresses are remembered now (bounded by the capacity). */
  int remembered() {
    synchronized (failures) {
      return failures.size();
    }
  }

  private Duration remaining(String key, Instant now) {
    Failures f = key == null ? null : failures.get(key);
    if (f == null || f.lockedUntil == null || !now.isBefore(f.lockedUntil)) {
      return Duration.ZERO;
    }
    return Duration.between(now, f.lockedUntil);
  }

  /** Counts one failure; the lock-out it starts, if any. */
  private Optional<Duration> count(String key, int max, Instant now) {
    if (key == null) {
      return Optional.empty();
    }
    Failures f = failures.computeIfAbsent(key, k -> new Failures());
    Instant last = f.lockedUntil == null || f.last.isAfter(f.lockedUntil) ? f.last : f.lockedUntil;
    if (last != null && now.isAfter(last.plus(limits.window()))) {
      f.count = 0;
      f.lockedUntil = null;
    }
    f.count++;
    f.last = now;
    if (f.count < max) {
      return Optional.empty();
    }
    Duration delay = delay(f.count - max);
    f.lockedUntil = now.plus(delay);
    return Optional.of(delay);
  }

  /** The base delay doubled {@code doublings} times, capped. */
  private Duration delay(int doublings) {
    Duration d = limits.delay();
    for (int i = 0; i < doublings && d.compareTo(limits.maxDelay()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : d;
  }

  private static String userKey(String user) {
    // a valid name has at most 64 characters; a longer one must not grow the memory either
    return user == null ? null : "u|" + (user.length() > 128 ? user.substring(0, 128) : user);
  }

  private static String addressKey(String address) {
    return address == null ? null : "a|" + address;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Whole seconds, rounded up, at least 1: the value of a {@code Retry-After} header. */
  public static long retryAfterSeconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Math.max(1, s);
  }

  /** A client-supplied name as it may go into a log line: no control characters (no forged lines), at most 64. */
  static String printable(String text) {
    String clean = text.strip().replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
  }

  private static final class Failures {
    int count;
    Instant last;
    Instant lockedUntil;
  }
}
