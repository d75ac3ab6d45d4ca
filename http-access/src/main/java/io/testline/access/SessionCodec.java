package io.testline.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring session values, so no instance keeps sessions in memory and any instance behind a load balancer
 * accepts a session another issued: {@code base64url(name|expiresEpochSecond|credentialTag|nonce).base64url(HMAC)}
 * with HMAC-SHA256 under a key every instance shares. Also the CSRF token bound to a session value.
 */
public final class SessionCodec {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_VALUE_LENGTH = 1024;

  /** What a valid session value says. */
  public record Session(String name, Instant expiresAt, String credentialTag) {
    /** Leaves the credential tag out: a digest of the credential is no text for a log. */
    @Override
    public String toString() {
      return "Session[name=" + name + ", expiresAt=" + expiresAt + ", credentialTag=(hidden)]";
    }
  }

  private final SecretKeySpec key;

  /** @param secret the shared key (at least 32 bytes) */
  public SessionCodec(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("a session key needs at least 32 bytes, was " + secret.length);
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** A codec with a random key of this process: sessions then end with it and are not accepted elsewhere. */
  public static SessionCodec withRandomKey() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new SessionCodec(secret);
  }

  public String issue(String name, String credentialTag, Instant expiresAt) {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    String payload = name + "|" + expiresAt.getEpochSecond() + "|" + credentialTag + "|" + B64.encodeToString(nonce);
    String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return body + "." + B64.encodeToString(mac("session|" + body));
  }

  /** The session in {@code value} when it is well-formed, signed with this key and not expired at {@code now}. */
  public Optional<Session> read(String value, Instant now) {
    if (value == null || value.length() > MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return Optional.empty();
    }
    String body = value.substring(0, dot);
    byte[] signature;
    String payload;
    try {
      signature = B64D.decode(value.substring(dot + 1));
      if (!MessageDigest.isEqual(signature, mac("session|" + body))) {
        return Optional.empty();
      }
      payload = new String(B64D.decode(body), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] parts = payload.split("\\|", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    Instant expires;
    try {
      expires = Instant.ofEpochSecond(Long.parseLong(parts[1]));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!now.isBefore(expires)) {
      return Optional.empty();
    }
    return Optional.of(new Session(parts[0], expires, parts[2]));
  }

  /** The CSRF token of a session (or of an anonymous browser's random seed): only this key's holder can make it. */
  public String csrfToken(String binding) {
    return B64.encodeToString(mac("csrf|" + binding));
  }

  /** Whether {@code given} is the CSRF token of {@code binding}, compared in constant time. */
  public boolean validCsrf(String binding, String given) {
    return binding != null && given != null && MessageDigest.isEqual(
        csrfToken(binding).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.UTF_8));
  }

  /** A random value for an anonymous browser's CSRF seed. */
  public static String randomSeed() {
    byte[] seed = new byte[24];
    RANDOM.nextBytes(seed);
    return B64.encodeToString(seed);
  }

  private byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }
}
