package io.testline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw configuration values by dotted key ({@code mqtt.url}), from a YAML file overridden by environment variables,
 * read through typed, validating getters. A service reads its whole config once at start into an immutable record;
 * every error names the key, the bad value and its origin, e.g. {@code mqtt.url: "tcp//x" is not a URI (from
 * environment TESTLINE_MQTT_URL)}.
 *
 * <p>The environment variable of a key is the prefix plus the key in upper case, dots and camel-case humps turned
 * into underscores: {@code journal.maxBytes} is {@code TESTLINE_JOURNAL_MAX_BYTES}. The same name with {@code _FILE}
 * appended names a file whose content is the value ({@code TESTLINE_DB_PASSWORD_FILE=/run/secrets/db_password}, as
 * Docker and compose secrets are mounted; one trailing line break is dropped), so that no secret has to be written
 * in the YAML file, on a command line or in the environment itself. Setting both the variable and its
 * {@code _FILE} is an error naming the key. The environment wins over the YAML file.
 *
 * <p>Settings passed through to a client library ({@link #settings}, e.g. {@code kafka.client.*}) are read from the
 * environment too: the map's variable prefix plus the setting in upper case with dots as underscores, so
 * {@code kafka.client.sasl.jaas.config} is {@code TESTLINE_KAFKA_CLIENT_SASL_JAAS_CONFIG} (or
 * {@code TESTLINE_KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE}).
 */
public final class ConfigSource {
  // a key given twice is an error, not a silent override (a second `journal:` block replaced the first)
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern SIZE = Pattern.compile("(?i)^\\s*(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\\s*$");
  /** Appended to a key's environment variable, it names a file holding the value (a secret). */
  public static final String FILE_SUFFIX = "_FILE";
  /** A value read from a file is a secret or a setting, never a document: larger files are refused. */
  static final int MAX_VALUE_FILE_BYTES = ValueFiles.MAX_BYTES;
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(?i)^\\s*(\\d+)\\s*(ms|s|m|h|d)\\s*$");

  private final Map<String, Object> fileValues;
  private final String fileOrigin;
  private final Map<String, String> env;
  private final String envPrefix;
  private final Set<String> readKeys = Collections.synchronizedSet(new TreeSet<>());

  private ConfigSource(Map<String, Object> fileValues, String fileOrigin, Map<String, String> env, String envPrefix) {
    this.fileValues = fileValues;
    this.fileOrigin = fileOrigin;
    this.env = Map.copyOf(env);
    this.envPrefix = envPrefix;
  }

  /** Reads {@code file} (null or absent-and-optional: no file) and overrides from {@code env} with {@code envPrefix}. */
  public static ConfigSource load(Path file, Map<String, String> env, String envPrefix) {
    if (file == null) {
      return new ConfigSource(Map.of(), "defaults", env, envPrefix);
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist or is not a file");
    }
    try {
      JsonNode root = YAML.readTree(file.toFile());
      Map<String, Object> flat = new LinkedHashMap<>();
      if (root != null && !root.isMissingNode() && !root.isNull()) {
        if (!root.isObject()) {
          throw new ConfigException("config file " + file + ": expected a mapping of keys at the top");
        }
        flatten("", root, flat);
      }
      return new ConfigSource(flat, file.toString(), env, envPrefix);
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  /** Values given directly, e.g. by tests or command-line options; no environment. */
  public static ConfigSource of(Map<String, ?> values) {
    return new ConfigSource(new LinkedHashMap<>(values), "given values", Map.of(), "");
  }

  /**
   * The value of {@code key} read from {@code file} by the rule of {@code _FILE} variables (one trailing line break
   * dropped, at most {@value #MAX_VALUE_FILE_BYTES} bytes), for a command-line option naming a secret's file.
   *
   * @throws ConfigException naming {@code option} and the file when it cannot be read
   */
  public static String valueFile(String key, String option, Path file) {
    return ValueFiles.read(key, option, file.toString());
  }

  /** The environment variable that overrides {@code key}. */
  public String envName(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_');
    return envPrefix + snake.toUpperCase(Locale.ROOT);
  }

  public boolean has(String key) {
    return raw(key) != null;
  }

  public String string(String key, String defaultValue) {
    Value v = raw(key);
    return v == null ? defaultValue : v.text();
  }

  public String requiredString(String key) {
    Value v = raw(key);
    if (v == null || v.text().isBlank()) {
      throw new ConfigException(key + ": is required (set it in the config file or " + envName(key) + ")");
    }
    return v.text();
  }

  public boolean bool(String key, boolean defaultValue) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.text().trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw bad(key, v, "is not a boolean (true or false)");
    };
  }

  public int integer(String key, int defaultValue, int min, int max) {
    return (int) longValue(key, defaultValue, min, max);
  }

  public long longValue(String key, long defaultValue, long min, long max) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(v.text().trim());
    } catch (NumberFormatException e) {
      throw bad(key, v, "is not a whole number");
    }
    return inRange(key, v, parsed, min, max);
  }

  /** A size in bytes: a number, or with a unit (KiB, MiB, GiB, TiB; KB, MB... are read as powers of 1024 too). */
  public long bytes(String key, long defaultValue, long min, long max) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    Matcher m = SIZE.matcher(v.text());
    if (!m.matches()) {
      throw bad(key, v, "is not a size (e.g. 512MiB, 2GiB or a number of bytes)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor = switch (unit.charAt(0)) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      case 't' -> 1L << 40;
      default -> 1L;
    };
    if (n > Long.MAX_VALUE / factor) {
      throw bad(key, v, "is too large");
    }
    return inRange(key, v, n * factor, min, max);
  }

  /** A duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}). */
  public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    Duration parsed = parseDuration(key, v);
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw bad(key, v, "is out of range " + min + " to " + max);
    }
    return parsed;
  }

  /** A URI whose scheme is one of {@code schemes} (e.g. tcp, ssl for MQTT). */
  public URI uri(String key, URI defaultValue, Set<String> schemes) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    URI uri;
    try {
      uri = new URI(v.text().trim());
    } catch (URISyntaxException e) {
      throw bad(key, v, "is not a URI");
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw bad(key, v, "is not a URI");
    }
    if (!schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
      throw bad(key, v, "has scheme " + uri.getScheme() + ", expected one of " + new TreeSet<>(schemes));
    }
    return uri;
  }

  public Path path(String key, Path defaultValue) {
    Value v = raw(key);
    return v == null ? defaultValue : Path.of(v.text().trim());
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, v.text().trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw bad(key, v, "is not one of " + names);
    }
  }

  /** A list: a YAML sequence, or a comma-separated string (as environment variables give it). */
  public List<String> list(String key, List<String> defaultValue) {
    Value v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.value() instanceof List<?> items) {
      return items.stream().map(String::valueOf).toList();
    }
    return v.text().isBlank() ? List.of()
        : java.util.Arrays.stream(v.text().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * All file values under {@code key.} as a map of the remaining key to its text, e.g. station labels. Only the
   * YAML file gives them: their keys keep their case, which an environment variable's name cannot carry.
   */
  public Map<String, String> map(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    String prefix = key + ".";
    fileValues.forEach((k, value) -> {
      if (k.startsWith(prefix)) {
        readKeys.add(k);
        out.put(k.substring(prefix.length()), String.valueOf(value));
      }
    });
    return Map.copyOf(out);
  }

  /**
   * Settings passed through to a client library under {@code key.} (lower-case dotted names such as Kafka's
   * {@code sasl.jaas.config}), from the YAML file and from the environment: every variable named
   * {@code envName(key) + "_" + SETTING} or {@code ..._FILE} gives the setting {@code setting} in lower case with
   * underscores as dots, and overrides the file's. Secrets such as {@code sasl.jaas.config} or
   * {@code ssl.keystore.password} so never have to be written in the file.
   */
  public Map<String, String> settings(String key) {
    Map<String, String> out = new LinkedHashMap<>(map(key));
    if (envPrefix.isEmpty()) {
      return Map.copyOf(out);
    }
    String prefix = envName(key) + "_";
    Map<String, String> fromEnv = new java.util.TreeMap<>();
    env.keySet().stream().filter(name -> name.startsWith(prefix) && name.length() > prefix.length()).sorted()
        .forEach(name -> {
          String base = name.endsWith(FILE_SUFFIX) ? name.substring(0, name.length() - FILE_SUFFIX.length()) : name;
          String setting = base.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
          if (!setting.isEmpty() && !fromEnv.containsKey(setting)) {
            fromEnv.put(setting, fromEnvironment(key + "." + setting, base).text());
          }
        });
    out.putAll(fromEnv);
    return Map.copyOf(out);
  }

  /** Fails naming every key of the file no getter asked for: almost always a typo. Call after reading all. */
  public void requireNoUnknownKeys() {
    List<String> unknown = fileValues.keySet().stream().filter(k -> !readKeys.contains(k)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " in " + fileOrigin);
    }
  }

  private record Value(Object value, String origin) {
    String text() {
      return String.valueOf(value);
    }
  }

  private Value raw(String key) {
    readKeys.add(key);
    if (!envPrefix.isEmpty()) {
      Value fromEnv = fromEnvironment(key, envName(key));
      if (fromEnv != null) {
        return fromEnv;
      }
    }
    Object fromFile = fileValues.get(key);
    return fromFile == null ? null : new Value(fromFile, fileOrigin);
  }

  /** The value of {@code name}, or of the file {@code name_FILE} names; null when neither is set. */
  private Value fromEnvironment(String key, String name) {
    String direct = env.get(name);
    String file = env.get(name + FILE_SUFFIX);
    if (direct != null && file != null) {
      throw new ConfigException(key + ": both " + name + " and " + name + FILE_SUFFIX + " are set; set one of them");
    }
    if (direct != null) {
      return new Value(direct, "environment " + name);
    }
    if (file == null) {
      return null;
    }
    return new Value(ValueFiles.read(key, name + FILE_SUFFIX, file), "file " + file + " (" + name + FILE_SUFFIX + ")");
  }

  private long inRange(String key, Value v, long parsed, long min, long max) {
    if (parsed < min || parsed > max) {
      throw bad(key, v, "is out of range " + min + " to " + max);
    }
    return parsed;
  }

  private Duration parseDuration(String key, Value v) {
    String text = v.text().trim();
    Matcher m = SIMPLE_DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw bad(key, v, "is not a duration (e.g. 250ms, 30s, 5m, 2h or PT30S)");
    }
  }

  private static ConfigException bad(String key, Value v, String problem) {
    return new ConfigException(key + ": \"" + v.text() + "\" " + problem + " (from " + v.origin() + ")");
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      out.put(prefix, List.copyOf(items));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }
}
