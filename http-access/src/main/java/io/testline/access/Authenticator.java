package io.testline.access;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.testline.login.LoginThrottle;
import io.testline.login.LoginThrottled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks credentials against an {@link AccessConfig}: a user's password (bcrypt), the bearer token, or an HTTP
 * {@code Authorization} header carrying either ({@code Bearer <token>}, {@code Basic <user:password>}). Comparisons
 * of secrets take constant time. A password that verified once is remembered as its SHA-256 per user, so a script
 * sending Basic credentials with every request costs one bcrypt check, not one per request. Every check of a
 * password or token goes through the listener's {@link LoginThrottle}: after too many failures it throws
 * {@link AccessDenied} 429 without checking.
 */
public final class Authenticator {
  /** The outcome of reading an {@code Authorization} header. */
  public sealed interface Result {}

  /** No credentials in the request. */
  public record Absent() implements Result {}

  /** Credentials that are wrong or malformed; {@code reason} is safe to show (it holds no secret). */
  public record Refused(String reason) implements Result {}

  /** Valid credentials. */
  public record Accepted(Principal principal) implements Result {}

  private static final int MAX_VERIFIED = 10_000;

  private final AccessConfig config;
  private final byte[] token;
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
  private final LoginThrottle throttle;

  /** Throttled by {@link AccessConfig#loginLimits()}, counted in Micrometer's global registry. */
  public Authenticator(AccessConfig config) {
    this(config, "access", Metrics.globalRegistry);
  }

  /**
   * @param listener the listener's name in log lines and meters ({@code http}, {@code web})
   * @param registry where the throttle's meters go
   */
  public Authenticator(AccessConfig config, String listener, MeterRegistry registry) {
    this(config, new LoginThrottle(config.loginLimits(), Clock.systemUTC(), registry, listener));
  }

  public Authenticator(AccessConfig config, LoginThrottle throttle) {
    this.config = config;
    this.token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
    this.throttle = throttle;
  }

  public AccessConfig config() {
    return config;
  }

  /** Whether any credential is configured. */
  public boolean enabled() {
    return config.configured();
  }

  /** {@link #login(String, String, String)} from an unknown address (throttled per user only). */
  public Optional<Principal> login(String user, String password) {
    return login(user, password, null);
  }

  /**
   * The user with this password, with its current role; empty for an unknown user or a wrong password.
   *
   * @param address the client's address, for the throttle; null when unknown
   * @throws AccessDenied 429 while the user or the address is locked out, the right password too
   */
  public Optional<Principal> login(String user, String password, String address) {
    if (user == null || password == null) {
      return Optional.empty();
    }
    throttle(user, address);
    Optional<Principal> who = check(user, password);
    if (who.isPresent()) {
      throttle.succeeded(user, address);
    } else {
      throttle.failed(user, address);
    }
    return who;
  }

  private Optional<Principal> check(String user, String password) {
    String hash = config.passwordHashes().get(user);
    if (hash == null) {
      // the same work as for a known user, so timing does not tell which names exist
      BCrypt.verifyer().verify(password.toCharArray(), DUMMY_HASH);
      return Optional.empty();
    }
    byte[] digest = sha256(password);
    byte[] known = verified.get(user);
    if (known != null && MessageDigest.isEqual(known, digest)) {
      return principal(user);
    }
    if (!BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified) {
      return Optional.empty();
    }
    if (verified.size() < MAX_VERIFIED) {
      verified.put(user, digest);
    }
    return principal(user);
  }

  /** {@link #token(String, String)} from an unknown address (a token is throttled per address only). */
  public Optional<Principal> token(String given) {
    return token(given, null);
  }

  /**
   * The token's principal when {@code given} is the configured token.
   *
   * @param address the client's address, for the throttle; null when unknown
   * @throws AccessDenied 429 while the address is locked out
   */
  public Optional<Principal> token(String given, String address) {
    throttle(null, address);
    Optional<Principal> who = checkToken(given);
    if (who.isPresent()) {
      throttle.succeeded(null, address);
    } else {
      throttle.failed(null, address);
    }
    return who;
  }

  private Optional<Principal> checkToken(String given) {
    if (token == null || given == null
        || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return Optional.of(new Principal(Principal.TOKEN_NAME, config.tokenRole()));
  }

  /** The configured principal of this name with its current role (users may be removed or demoted). */
  public Optional<Principal> principal(String name) {
    if (Principal.TOKEN_NAME.equals(name)) {
      return token == null ? Optional.empty() : Optional.of(new Principal(name, config.tokenRole()));
    }
    if (!config.passwordHashes().containsKey(name)) {
      return Optional.empty();
    }
    return Optional.of(new Principal(name, config.admins().contains(name) ? Role.ADMIN : Role.VIEWER));
  }

  /**
   * What the credential of {@code name} currently is, reduced to a short digest: a session stores it, so changing a
   * user's password (or the token) ends the sessions made with the old one. Empty for an unknown name.
   */
  public Optional<String> credentialTag(String name) {
    String secret = Principal.TOKEN_NAME.equals(name) ? config.token() : config.passwordHashes().get(name);
    if (secret == null) {
      return Optional.empty();
    }
    byte[] digest = sha256("testline-credential|" + name + "|" + secret);
    return Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16));
  }

  /** {@link #authorize(String, String)} from an unknown address. */
  public Result authorize(String header) {
    return authorize(header, null);
  }

  /**
   * Reads an {@code Authorization} header value (null: none) of a request from {@code address} (null: unknown).
   *
   * @throws AccessDenied 429 while the user or the address is locked out
   */
  public Result authorize(String header, String address) {
    if (header == null || header.isBlank()) {
      return new Absent();
    }
    String h = header.strip();
    int space = h.indexOf(' ');
    String scheme = space < 0 ? h : h.substring(0, space);
    String value = space < 0 ? "" : h.substring(space + 1).strip();
    if (scheme.equalsIgnoreCase("Bearer")) {
      if (token == null) {
        return new Refused("bearer tokens are not accepted here");
      }
      return token(value, address).<Result>map(Accepted::new).orElseGet(() -> new Refused("invalid bearer token"));
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return new Refused("malformed Basic credentials");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return new Refused("malformed Basic credentials");
      }
      return login(decoded.substring(0, colon), decoded.substring(colon + 1), address).<Result>map(Accepted::new)
          .orElseGet(() -> new Refused("invalid user name or password"));
    }
    return new Refused("unsupported authorization scheme (use Bearer or Basic)");
  }

  private void throttle(String user, String address) {
    try {
      throttle.check(user, address);
    } catch (LoginThrottled refused) {
      throw AccessDenied.throttled(refused);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static final char[] DUMMY_HASH =
      BCrypt.withDefaults().hashToString(10, "testline-no-such-user".toCharArray()).toCharArray();
}
