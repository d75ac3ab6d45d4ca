package io.testline.web.access;

import io.testline.access.AccessConfig;
import io.testline.access.HttpsConfig;
import io.testline.access.BindRule;
import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the web interface and how, from the {@code web.*} keys (a config file, overridden by {@code TESTLINE_*}
 * environment variables):
 * <ul>
 *   <li>{@code web.users}, {@code web.admins}, {@code web.authToken}, {@code web.tokenRole}: see
 *   {@link AccessConfig};</li>
 *   <li>{@code web.sessionKey}: the secret (at least 32 characters) that signs session cookies and CSRF tokens, the
 *   same on every instance behind one load balancer; unset: a random key per process (sessions end at a restart
 *   and are accepted only by the instance that issued them);</li>
 *   <li>{@code web.sessionTtl}: how long a login lasts (default 8h, one shift);</li>
 *   <li>{@code web.tls.keyStore}, {@code web.tls.keyStorePassword}: HTTPS (see {@link HttpsConfig}).</li>
 * </ul>
 *
 * @param access who may log in
 * @param sessionKey the signing key's bytes; null for a random one
 * @param sessionTtl how long a session lasts
 * @param https HTTPS settings; null for plain HTTP
 * @param allowUnauthenticated serve without login on a non-loopback address anyway (the explicit escape hatch)
 */
public record WebAccessConfig(AccessConfig access, byte[] sessionKey, Duration sessionTtl, HttpsConfig https,
    boolean allowUnauthenticated) {
  private static final Logger log = LoggerFactory.getLogger(WebAccessConfig.class);
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(8);
  public static final int MIN_SESSION_KEY_LENGTH = 32;

  public WebAccessConfig {
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(sessionTtl, "sessionTtl");
    sessionKey = sessionKey == null ? null : sessionKey.clone();
  }

  /** No login, plain HTTP: for a loopback listener. */
  public static WebAccessConfig none() {
    return new WebAccessConfig(AccessConfig.none(), null, DEFAULT_SESSION_TTL, null, false);
  }

  /** Reads and validates the {@code web.*} access keys; every error names its key. */
  public static WebAccessConfig load(ConfigSource source, boolean allowUnauthenticated) {
    AccessConfig access = AccessConfig.load(source, "web");
    String key = source.string("web.sessionKey", null);
    if (key != null && key.length() < MIN_SESSION_KEY_LENGTH) {
      throw new ConfigException("web.sessionKey: must be at least " + MIN_SESSION_KEY_LENGTH
          + " characters (a random secret, e.g. from `openssl rand -base64 48`), was " + key.length());
    }
    Duration ttl = source.duration("web.sessionTtl", DEFAULT_SESSION_TTL, Duration.ofMinutes(1), Duration.ofDays(30));
    return new WebAccessConfig(access, key == null ? null : key.getBytes(StandardCharsets.UTF_8), ttl,
        HttpsConfig.load(source, "web"), allowUnauthenticated);
  }

  /**
   * Refuses a non-loopback {@code host} without users or a token, unless {@link #allowUnauthenticated()} (then it
   * warns).
   */
  public void requireBindAllowed(String host) {
    if (access.configured() || BindRule.isLoopback(host)) {
      return;
    }
    if (allowUnauthenticated) {
      log.warn("web: serving {} to the network WITHOUT LOGIN (--allow-unauthenticated): anyone who reaches it reads "
          + "every run; set web.users or web.authToken instead", host);
      return;
    }
    BindRule.requireAuthenticationOffLoopback("web.host (--host)", host, false, AccessConfig.keys("web"));
  }

  @Override
  public String toString() {
    return "WebAccessConfig[access=" + access + ", sessionKey=" + (sessionKey == null ? "(random)" : "(hidden)")
        + ", sessionTtl=" + sessionTtl + ", https=" + https + ", allowUnauthenticated=" + allowUnauthenticated + "]";
  }
}
