package io.testline.agent.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The environment a test program runs with: the agent's own, without the agent's secrets, plus the run's variables
 * ({@code TESTLINE_RUN_ID}, {@code TESTLINE_RESULTS_FILE}, ...). A test that prints its environment must not put the
 * broker password into run.log, and from there into Kafka, PostgreSQL and the query API.
 *
 * <p>Always removed, whatever the configuration says (names compared without regard to case):
 * <ul>
 *   <li>{@code TESTLINE_*}: the agent's own settings and their {@code _FILE} variables;</li>
 *   <li>names that say they hold a secret: {@code *PASSWORD*}, {@code *PASSWD*}, {@code *PASSPHRASE*},
 *       {@code *SECRET*}, {@code *TOKEN*}, {@code *CREDENTIAL*}, {@code *API_KEY*}, {@code *APIKEY*},
 *       {@code *PRIVATE_KEY*}, {@code *JAAS*};</li>
 *   <li>variables pointing into a secrets folder: a value under {@code /run/secrets/} (Docker and compose secrets)
 *       or under systemd's {@code $CREDENTIALS_DIRECTORY}, and {@code CREDENTIALS_DIRECTORY} itself.</li>
 * </ul>
 * Then {@code deny} patterns remove more; when {@code allow} is given, only the names it matches are inherited at all
 * (allow-list mode). A pattern is a variable name in which {@code *} stands for any characters.
 */
public final class ChildEnvironment {
  /** The patterns removed in every mode. */
  public static final List<String> ALWAYS_REMOVED = List.of("TESTLINE_*", "*PASSWORD*", "*PASSWD*", "*PASSPHRASE*",
      "*SECRET*", "*TOKEN*", "*CREDENTIAL*", "*API_KEY*", "*APIKEY*", "*PRIVATE_KEY*", "*JAAS*");
  /** Where Docker and compose mount secrets. */
  static final String DOCKER_SECRETS = "/run/secrets/";
  /** Where systemd puts a unit's credentials ({@code LoadCredential=}), named by this variable. */
  static final String SYSTEMD_CREDENTIALS = "CREDENTIALS_DIRECTORY";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.*-]+");
  private static final List<Pattern> SECRET_NAMES = ALWAYS_REMOVED.stream().map(ChildEnvironment::glob).toList();

  private final List<String> denyPatterns;
  private final List<String> allowPatterns;
  private final List<Pattern> deny;
  private final List<Pattern> allow;

  /**
   * @param deny  further patterns to remove
   * @param allow null to inherit every variable not removed; else only the variables these patterns match
   * @throws IllegalArgumentException naming {@code deny} or {@code allow} and the pattern that is not one
   */
  public ChildEnvironment(List<String> deny, List<String> allow) {
    this.deny = compile("deny", Objects.requireNonNull(deny, "deny"));
    this.allow = allow == null ? null : compile("allow", allow);
    this.denyPatterns = List.copyOf(deny);
    this.allowPatterns = allow == null ? null : List.copyOf(allow);
  }

  /** The child's whole environment: what of {@code inherited} may pass, then {@code runVariables} on top. */
  public Map<String, String> build(Map<String, String> inherited, Map<String, String> runVariables) {
    String credentials = inherited.get(SYSTEMD_CREDENTIALS);
    Map<String, String> out = new LinkedHashMap<>();
    inherited.forEach((name, value) -> {
      if (passes(name) && !pointsAtSecrets(value, credentials)) {
        out.put(name, value);
      }
    });
    out.putAll(runVariables);
    return out;
  }

  /** Whether the variable {@code name} may be inherited, whatever its value. */
  public boolean passes(String name) {
    if (name.equalsIgnoreCase(SYSTEMD_CREDENTIALS) || matches(SECRET_NAMES, name) || matches(deny, name)) {
      return false;
    }
    return allow == null || matches(allow, name);
  }

  private static boolean pointsAtSecrets(String value, String credentialsDirectory) {
    return value.startsWith(DOCKER_SECRETS)
        || credentialsDirectory != null && !credentialsDirectory.isBlank() && value.startsWith(credentialsDirectory);
  }

  private static boolean matches(List<Pattern> patterns, String name) {
    for (Pattern p : patterns) {
      if (p.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  private static List<Pattern> compile(String what, List<String> patterns) {
    List<Pattern> out = new ArrayList<>();
    for (String p : patterns) {
      if (p == null || !VALID.matcher(p).matches()) {
        throw new IllegalArgumentException(what + ": \"" + p + "\" is not a variable name or pattern (letters, "
            + "digits, '_', '.', '-', and '*' for any characters)");
      }
      out.add(glob(p));
    }
    return List.copyOf(out);
  }

  private static Pattern glob(String pattern) {
    List<String> parts = new ArrayList<>();
    for (String part : pattern.split("\\*", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts), Pattern.CASE_INSENSITIVE);
  }

  @Override
  public String toString() {
    return "ChildEnvironment[deny=" + denyPatterns + ", allow=" + (allowPatterns == null ? "(inherit)" : allowPatterns)
        + "]";
  }
}
