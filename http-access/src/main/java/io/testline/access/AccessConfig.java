package io.testline.access;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.login.LoginLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use one HTTP listener, read from config keys under a prefix ({@code http} for the query API, {@code web}
 * for the web interface):
 * <ul>
 *   <li>{@code <prefix>.users}: users as {@code name:bcrypt-hash}, one per line or comma-separated, the format
 *   {@code htpasswd -nB name} prints (a YAML list, or one string, e.g. from {@code TESTLINE_WEB_USERS});</li>
 *   <li>{@code <prefix>.admins}: the users who get the role admin; every other user is a viewer;</li>
 *   <li>{@code <prefix>.authToken}: a bearer token (at least 16 characters) for scripts and services;</li>
 *   <li>{@code <prefix>.tokenRole}: the token's role, {@code viewer} (default) or {@code admin};</li>
 *   <li>{@code <prefix>.login.*}: the brute-force limit, see {@link LoginLimits}.</li>
 * </ul>
 * Secrets are ordinary keys, so whatever the config source offers for them (environment, files) applies.
 *
 * @param passwordHashes the bcrypt hash of each user's password, by user name
 * @param admins the users with the role admin
 * @param token the bearer token; null for none
 * @param tokenRole the role of a request carrying the token
 * @param loginLimits how failed logins are throttled
 */
public record AccessConfig(Map<String, String> passwordHashes, Set<String> admins, String token, Role tokenRole,
    LoginLimits loginLimits) {
  public static final int MIN_TOKEN_LENGTH = 16;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

  public AccessConfig {
    passwordHashes = Map.copyOf(passwordHashes);
    admins = Set.copyOf(admins);
    Objects.requireNonNull(tokenRole, "tokenRole");
    Objects.requireNonNull(loginLimits, "loginLimits");
  }

  /** With the default {@link LoginLimits}. */
  public AccessConfig(Map<String, String> passwordHashes, Set<String> admins, String token, Role tokenRole) {
    this(passwordHashes, admins, token, tokenRole, LoginLimits.defaults());
  }

  /** Nobody configured: the listener must stay on loopback. */
  public static AccessConfig none() {
    return new AccessConfig(Map.of(), Set.of(), null, Role.VIEWER);
  }

  /** Whether any credential is configured (then every request must authenticate, on any address). */
  public boolean configured() {
    return token != null || !passwordHashes.isEmpty();
  }

  /** The keys that configure authentication, for error messages. */
  public static String keys(String prefix) {
    return prefix + ".authToken or " + prefix + ".users";
  }

  /** Reads and validates the keys under {@code prefix}; every error names its key. */
  public static AccessConfig load(ConfigSource source, String prefix) {
    String tokenKey = prefix + ".authToken";
    String token = source.string(tokenKey, null);
    if (token != null) {
      token = token.strip();
      if (token.length() < MIN_TOKEN_LENGTH) {
        throw new ConfigException(tokenKey + ": must be at least " + MIN_TOKEN_LENGTH
            + " characters (a random secret, e.g. from `openssl rand -base64 32`), was " + token.length());
      }
    }
    Map<String, String> hashes = users(source.list(prefix + ".users", List.of()), prefix + ".users");
    Set<String> admins = new LinkedHashSet<>();
    for (String admin : source.list(prefix + ".admins", List.of())) {
      if (!hashes.containsKey(admin)) {
        throw new ConfigException(prefix + ".admins: \"" + admin + "\" is not one of " + prefix + ".users "
            + hashes.keySet());
      }
      admins.add(admin);
    }
    Role tokenRole = source.enumValue(prefix + ".tokenRole", Role.class, Role.VIEWER);
    return new AccessConfig(hashes, admins, token, tokenRole, LoginLimits.load(source, prefix));
  }

  private static Map<String, String> users(List<String> items, String key) {
    List<String> lines = new ArrayList<>();
    for (String item : items) {
      for (String line : item.split("\\R")) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          lines.add(line.strip());
        }
      }
    }
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      String name = colon < 0 ? line : line.substring(0, colon);
      if (colon < 0 || !NAME.matcher(name).matches()) {
        throw new ConfigException(key + ": \"" + (colon < 0 ? "(no colon)" : name)
            + "\" is not name:bcrypt-hash with a name of letters, digits, '.', '_', '@' or '-' (htpasswd -nB NAME)");
      }
      String hash = line.substring(colon + 1);
      if (!BCRYPT.matcher(hash).matches()) {
        throw new ConfigException(key + ": the password of user \"" + name
            + "\" is not a bcrypt hash ($2y$12$...; make one with `htpasswd -nBC 12 " + name
            + "` or `testline hash-password`)");
      }
      if (hashes.put(name, hash) != null) {
        throw new ConfigException(key + ": user \"" + name + "\" is given twice");
      }
    }
    return hashes;
  }

  /** Never prints a hash or the token. */
  @Override
  public String toString() {
    return "AccessConfig[users=" + passwordHashes.keySet() + ", admins=" + admins + ", token="
        + (token == null ? "(none)" : "(hidden)") + ", tokenRole=" + tokenRole.label() + ", loginLimits="
        + loginLimits + "]";
  }
}
