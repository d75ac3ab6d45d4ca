package io.testline.metrics;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * Optional HTTP Basic authentication of a metrics endpoint's {@code /metrics} ({@code /health} stays open for
 * probes): {@code <prefix>.username} and {@code <prefix>.password}, both or neither. Prometheus sends them with
 * {@code basic_auth} ({@code password_file} keeps the password out of its config).
 */
public record MetricsAuth(String username, String password) {
  public static final int MIN_PASSWORD_LENGTH = 12;

  public MetricsAuth {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The credentials under {@code prefix} (e.g. {@code metrics}); null when neither key is set. */
  public static MetricsAuth load(ConfigSource source, String prefix) {
    String userKey = prefix + ".username";
    String passwordKey = prefix + ".password";
    String user = source.string(userKey, null);
    String password = source.string(passwordKey, null);
    if (user == null && password == null) {
      return null;
    }
    if (user == null || user.isBlank() || user.contains(":")) {
      throw new ConfigException(userKey + ": is required without a ':' when " + passwordKey + " is set");
    }
    if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
      throw new ConfigException(passwordKey + ": must be at least " + MIN_PASSWORD_LENGTH + " characters when "
          + userKey + " is set, was " + (password == null ? 0 : password.length()));
    }
    return new MetricsAuth(user, password);
  }

  /** Whether an {@code Authorization} header value carries these credentials; compared in constant time. */
  boolean accepts(String header) {
    byte[] expected = ("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
        .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    return header != null && MessageDigest.isEqual(expected, header.strip().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "MetricsAuth[username=" + username + ", password=(hidden)]";
  }
}
