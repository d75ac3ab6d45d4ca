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
 * into underscores: {@code journal.maxBytes} is {@code TESTLINE_JOURNAL_MAX_BYTES}.
 */
public final class ConfigSource {
  // a key given twice is an error, not a silent override (a second `journal:` block replaced the first)
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern SIZE = Pattern.compile("(?i)^\\s*(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?\\s*$");
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

  /** All file values under {@code key.} as a map of the remaining key to its text, e.g. station labels. */
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
    String fromEnv = env.get(envName(key));
    if (fromEnv != null && !envPrefix.isEmpty()) {
      return new Value(fromEnv, "environment " + envName(key));
    }
    Object fromFile = fileValues.get(key);
    return fromFile == null ? null : new Value(fromFile, fileOrigin);
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
