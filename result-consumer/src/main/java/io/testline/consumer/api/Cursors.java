package io.testline.consumer.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Paging cursors the API signs, so a client can hand back only a position the API itself produced: a forged,
 * truncated or altered cursor is refused with 400 before it reaches a query.
 *
 * <p>A cursor is base64url (no padding) of a version byte, the last run's start (epoch seconds and nanoseconds) and
 * its run id, followed by the first 16 bytes of their HMAC-SHA256 under the key. Instances behind one load balancer
 * must share the key ({@code http.cursorKey}); with the default, a random key per process, a cursor is valid only on
 * the instance that made it and until it restarts.
 */
final class Cursors {
  /** A cursor's position: the last run of the previous page. */
  record Position(Instant startedAt, UUID runId) {}

  /** Bytes of an HMAC-SHA256 key drawn at random when none is configured. */
  static final int RANDOM_KEY_BYTES = 32;
  private static final byte VERSION = 1;
  private static final int PAYLOAD = 1 + 8 + 4 + 16;
  private static final int TAG = 16;
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  /** @param key the HMAC key, at least 16 bytes */
  Cursors(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("cursor key: must be at least 16 bytes, was " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  /** Cursors under a key known only to this process. */
  static Cursors withRandomKey() {
    byte[] key = new byte[RANDOM_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return new Cursors(key);
  }

  /** Cursors under a configured secret (its UTF-8 bytes are the key). */
  static Cursors withSecret(String secret) {
    return new Cursors(secret.getBytes(StandardCharsets.UTF_8));
  }

  String encode(Instant startedAt, UUID runId) {
    ByteBuffer b = ByteBuffer.allocate(PAYLOAD + TAG);
    b.put(VERSION).putLong(startedAt.getEpochSecond()).putInt(startedAt.getNano())
        .putLong(runId.getMostSignificantBits()).putLong(runId.getLeastSignificantBits());
    b.put(tag(b.array(), PAYLOAD));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** The position {@code cursor} names; a {@link BadRequestException} for anything this API did not sign. */
  Position decode(String cursor) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw refused(cursor);
    }
    // one spelling per cursor: the decoder would also take padding and non-zero trailing bits
    if (raw.length != PAYLOAD + TAG || raw[0] != VERSION
        || !Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(cursor)
        || !MessageDigest.isEqual(tag(raw, PAYLOAD), Arrays.copyOfRange(raw, PAYLOAD, PAYLOAD + TAG))) {
      throw refused(cursor);
    }
    ByteBuffer b = ByteBuffer.wrap(raw, 1, PAYLOAD - 1);
    long seconds = b.getLong();
    int nanos = b.getInt();
    try {
      return new Position(Instant.ofEpochSecond(seconds, nanos), new UUID(b.getLong(), b.getLong()));
    } catch (RuntimeException e) {
      throw refused(cursor); // signed by us yet out of range: only with a leaked key; still not a 500
    }
  }

  private byte[] tag(byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(data, 0, length);
      return Arrays.copyOf(mac.doFinal(), TAG);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is part of every Java runtime", e);
    }
  }

  private static BadRequestException refused(String cursor) {
    return new BadRequestException("cursor", "cursor: " + Query.quote(cursor) + " is not a cursor this API returned"
        + " (cursors are valid on the API instances that share its key; start the listing again without cursor)");
  }
}
