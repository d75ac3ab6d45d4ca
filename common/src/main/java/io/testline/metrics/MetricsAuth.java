package io.testline.metrics;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.login.LoginLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * Optional HTTP Basic authentication of a metrics endpoint's {@code /metrics} ({@code /health} stays open for
 * probes): {@code <prefix>.username} and {@code <prefix>.password}, both or neither. Prometheus sends them with
 * {@code basic_auth} ({@code password_file} keeps the password out of its config). Wrong passwords are throttled as
 * the query API's and the web's logins are ({@link LoginLimits} under {@code <prefix>.login.*}): past the limit
 * {@code /metrics} answers 429 with {@code Retry-After}, the right password too, until the delay has passed.
 */
public record MetricsAuth(String username, String password, LoginLimits loginLimits) {
  public static final int MIN_PASSWORD_LENGTH = 12;

  public MetricsAuth {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(loginLimits, "loginLimits");
  }

  /** With the default {@link LoginLimits}. */
  public MetricsAuth(String username, String password) {
    this(username, password, LoginLimits.defaults());
  }

  /**
   * The credentials under {@code prefix} (e.g. {@code metrics}) with the limits under {@code <prefix>.login}; null
   * when neither credential key is set.
   */
  public static MetricsAuth load(ConfigSource source, String prefix) {
    String userKey = prefix + ".username";
    String passwordKey = prefix + ".password";
    String user = source.string(userKey, null);
    String password = source.string(passwordKey, null);
    // read (and validated) even without credentials, so a file setting them is not refused as unknown keys
    LoginLimits limits = LoginLimits.load(source, prefix);
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
    return new MetricsAuth(user, password, limits);
  }

  /**
   * The user name a Basic {@code Authorization} header value tries (the part before the colon), for the throttle;
   * {@code ""} when the header is not Basic credentials.
   */
  static String userTried(String header) {
    String h = header.strip();
    if (!h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return "";
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? "" : decoded.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Whether an {@code Authorization} header value carries these credentials; compared in constant time. */
  boolean accepts(String header) {
    byte[] expected = ("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
        .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    return header != null && MessageDigest.isEqual(expected, header.strip().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "MetricsAuth[username=" + username + ", password=(hidden), loginLimits=" + loginLimits + "]";
  }
}
