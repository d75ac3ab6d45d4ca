package io.testline.cli.access;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The password hash of mosquitto's {@code password_file} in its PBKDF2 form, as {@code mosquitto_passwd} writes it
 * (mosquitto 2.0 {@code password_mosq.c}): {@code $7$<iterations>$<base64 salt>$<base64 hash>}, the hash being
 * PBKDF2-HMAC-SHA512 of the password's UTF-8 bytes, 64 bytes long, with a 12-byte random salt. mosquitto reads the
 * iteration count from each line, so a count above {@code mosquitto_passwd}'s 101 verifies the same.
 */
final class MosquittoPasswordHash {
  /** mosquitto 2.1's default; 2.0's mosquitto_passwd writes 101. */
  static final int DEFAULT_ITERATIONS = 1000;
  static final int SALT_BYTES = 12;
  private static final int HASH_BYTES = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private MosquittoPasswordHash() {
  }

  /** The encoded hash of {@code password} with a fresh random salt. */
  static String hash(char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return hash(password, salt, iterations);
  }

  /** The encoded hash of {@code password} with this salt. */
  static String hash(char[] password, byte[] salt, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, was " + iterations);
    }
    Base64.Encoder b64 = Base64.getEncoder();
    return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(pbkdf2(password, salt, iterations));
  }

  /** Whether {@code encoded} (a {@code $7$} hash, e.g. from mosquitto_passwd) is the hash of {@code password}. */
  static boolean verifies(char[] password, String encoded) {
    String[] parts = encoded.split("\\$");
    if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals("7")) {
      throw new IllegalArgumentException("not a mosquitto $7$ (PBKDF2-SHA512) hash");
    }
    byte[] salt = Base64.getDecoder().decode(parts[3]);
    byte[] expected = Base64.getDecoder().decode(parts[4]);
    return MessageDigest.isEqual(expected, pbkdf2(password, salt, Integer.parseInt(parts[2])));
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
    try {
      // the JDK's PBKDF2 encodes the password as UTF-8, as mosquitto hashes the bytes it was given
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has PBKDF2WithHmacSHA512", e);
    } finally {
      spec.clearPassword();
    }
  }
}
