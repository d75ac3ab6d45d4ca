package io.testline.agent.config;

import io.testline.agent.capture.ChildEnvironment;
import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.schemas.Schemas;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The agent's whole configuration, immutable, read once at start from one YAML file with environment overrides
 * ({@code TESTLINE_} + the key in upper snake case, e.g. {@code TESTLINE_MQTT_URL}). {@link #load} validates single
 * keys first, then rules across keys; every error names the key.
 */
public record AgentConfig(
    String stationId,
    String site,
    String line,
    Map<String, String> labels,
    Path dataDir,
    Mqtt mqtt,
    Journal journal,
    Run run,
    Watch watch,
    Forensics forensics,
    Duration heartbeatInterval,
    String metricsHost,
    int metricsPort) {

  /** The prefix of every environment override. */
  public static final String ENV_PREFIX = "TESTLINE_";
  public static final Path DEFAULT_DATA_DIR = Path.of("testline-data");
  public static final URI DEFAULT_MQTT_URL = URI.create("tcp://localhost:1883");
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(7);
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_INFLIGHT = 100;
  public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
  public static final long DEFAULT_JOURNAL_MAX_BYTES = 1L << 30;
  public static final int DEFAULT_ALARM_PERCENT = 80;
  public static final long DEFAULT_MIN_FREE_DISK = 256L << 20;
  public static final Duration DEFAULT_RUN_TIMEOUT = Duration.ofHours(1);
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RESEND_AFTER = Duration.ofMinutes(2);
  public static final Duration DEFAULT_KEEP_SENT_FOR = Duration.ofMinutes(10);
  public static final Duration DEFAULT_VERDICT_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_LOG_FLUSH_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WATCH_POLL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_WATCH_SETTLE = Duration.ofSeconds(2);
  /** Room for an OpenHTF record with a 10 MB attachment (base64) in the agent's 64 MB heap. */
  public static final long DEFAULT_WATCH_MAX_FILE_BYTES = 32L << 20;
  public static final Duration DEFAULT_HANG_GRACE = Duration.ofSeconds(2);
  public static final long DEFAULT_CORE_MAX_BYTES = 512L << 20;
  public static final String DEFAULT_GDB = "gdb";
  public static final Duration DEFAULT_GDB_TIMEOUT = Duration.ofSeconds(20);
  public static final int DEFAULT_TRACEBACK_MAX_CHARS = 16384;
  public static final Duration DEFAULT_KEEP_CORES_FOR = Duration.ofDays(14);
  /** {@code forensics.uploadMaxBytes}: the largest core or minidump uploaded; larger ones stay on the station. */
  public static final long DEFAULT_UPLOAD_MAX_BYTES = 64L << 20;
  /** {@code metrics.port}: 0 serves no metrics endpoint. */
  public static final int DEFAULT_METRICS_PORT = 0;
  /** {@code metrics.host}: closed by default, only this PC can read the endpoint unless configured. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  /** Broker connection. */
  public record Mqtt(URI url, String clientId, String username, String password, Duration sessionExpiry,
      Duration keepAlive, Duration connectTimeout, int maxInflight, Duration reconnectInitialDelay,
      Duration reconnectMaxDelay, Path trustStore, String trustStorePassword, Path keyStore,
      String keyStorePassword) {

    public Mqtt {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(clientId, "clientId");
    }

    public boolean tls() {
      return url.getScheme().equalsIgnoreCase("ssl") || url.getScheme().equalsIgnoreCase("wss");
    }

    /** Never prints the passwords. */
    @Override
    public String toString() {
      return "Mqtt[url=" + url + ", clientId=" + clientId + ", username=" + username + ", password="
          + hidden(password) + ", sessionExpiry=" + sessionExpiry + ", keepAlive=" + keepAlive + ", connectTimeout="
          + connectTimeout + ", maxInflight=" + maxInflight + ", reconnectInitialDelay=" + reconnectInitialDelay
          + ", reconnectMaxDelay=" + reconnectMaxDelay + ", trustStore=" + trustStore + ", trustStorePassword="
          + hidden(trustStorePassword) + ", keyStore=" + keyStore + ", keyStorePassword=" + hidden(keyStorePassword)
          + "]";
    }

    private static String hidden(String secret) {
      return secret == null ? "(none)" : "(hidden)";
    }
  }

  /**
   * The on-disk journal.
   *
   * @param maxBytes     bytes of unacknowledged events above which new runs are refused
   * @param alarmPercent share of {@code maxBytes} at which the alarm is raised
   * @param minFreeDisk  free bytes on the journal's disk below which new runs are refused
   * @param keepUntil    when a run's events leave the journal: at the broker's PUBACK, or at the run's shopfloor
   *                     verdict (end to end: a broker that acknowledges and then drops a message loses nothing)
   * @param resendAfter  with {@code keepUntil: verdict}, how long after the PUBACK of its run.finished a run without
   *                     a verdict is sent again (doubling with each resend)
   * @param keepSentFor  with {@code keepUntil: verdict}, how long a sent station event (birth, heartbeat, goodbye)
   *                     stays in the journal, so that the bridge's resend request after a sequence gap finds it;
   *                     longer than the bridge's {@code gaps.grace}
   */
  public record Journal(Path path, long maxBytes, int alarmPercent, long minFreeDisk, KeepUntil keepUntil,
      Duration resendAfter, Duration keepSentFor) {}

  /** When a run's events leave the journal ({@code journal.keepUntil}). */
  public enum KeepUntil {
    /** At the broker's PUBACK: for a line without the shopfloor-bridge, which sends no verdicts. */
    PUBACK,
    /** At the run's shopfloor verdict (ACCEPTED, REJECTED or DEAD): the pipeline has it. */
    VERDICT
  }

  /**
   * Running a test program.
   *
   * @param failExitCodes  exit codes that mean FAIL (not ERROR) for programs that report no steps
   * @param environment    what of the agent's environment the test program inherits ({@code run.environment.deny},
   *                       {@code run.environment.allow}); the agent's secrets never
   */
  public record Run(Duration timeout, Duration killGrace, Duration flushTimeout, Duration verdictTimeout,
      Duration logFlushInterval, List<Integer> failExitCodes, String programName, String programVersion,
      String testMethod, String operation, ChildEnvironment environment) {}

  /**
   * Watching a result folder.
   *
   * @param settle  a file is complete once its size and modification time stayed the same this long
   * @param mapping how to read CSV and key=value files: a result field to the file's column or key
   * @param maxFileBytes a larger result file is set aside as rejected (oversize) without being read
   */
  public record Watch(Duration poll, Duration settle, String processedSuffix, Map<String, String> mapping,
      long maxFileBytes) {}

  /**
   * Crash forensics: where a CRASHED or TIMEOUT run's program crashed or hung.
   *
   * @param pythonFaultHandler set {@code PYTHONFAULTHANDLER=1} for the program, and read the traceback it prints
   * @param hangGrace          at a timeout, how long Python processes get after SIGABRT to print their stacks
   *                           before the tree is killed
   * @param coreDumps          raise the program's core size limit to {@code coreMaxBytes} and keep its core
   * @param coreMaxBytes       the cap on a kept core; a larger one is deleted
   * @param gdb                the gdb program (a name on PATH or a path); empty: no backtraces
   * @param gdbTimeout         the bound on each gdb run
   * @param tracebackMaxChars  the bound on the traceback text in run.finished
   * @param keepCoresFor       how long a kept core stays in its run directory; older ones are deleted at each agent
   *                           start (the rest of the run directory stays)
   */
  public record Forensics(boolean pythonFaultHandler, Duration hangGrace, boolean coreDumps, long coreMaxBytes,
      String gdb, Duration gdbTimeout, int tracebackMaxChars, Duration keepCoresFor, boolean uploadCores,
      long uploadMaxBytes, Path minidumpDir) {

    /** No uploads, no minidump folder. */
    public Forensics(boolean pythonFaultHandler, Duration hangGrace, boolean coreDumps, long coreMaxBytes,
        String gdb, Duration gdbTimeout, int tracebackMaxChars, Duration keepCoresFor) {
      this(pythonFaultHandler, hangGrace, coreDumps, coreMaxBytes, gdb, gdbTimeout, tracebackMaxChars, keepCoresFor,
          false, DEFAULT_UPLOAD_MAX_BYTES, null);
    }

    /** This config with uploads on or off, under {@code uploadMaxBytes}. */
    public Forensics withUploads(boolean uploadCores, long uploadMaxBytes) {
      return new Forensics(pythonFaultHandler, hangGrace, coreDumps, coreMaxBytes, gdb, gdbTimeout,
          tracebackMaxChars, keepCoresFor, uploadCores, uploadMaxBytes, minidumpDir);
    }

    /** This config with a WER LocalDumps folder to look in after each run. */
    public Forensics withMinidumpDir(Path minidumpDir) {
      return new Forensics(pythonFaultHandler, hangGrace, coreDumps, coreMaxBytes, gdb, gdbTimeout,
          tracebackMaxChars, keepCoresFor, uploadCores, uploadMaxBytes, minidumpDir);
    }

    /** Cores kept for {@link #DEFAULT_KEEP_CORES_FOR}. */
    public Forensics(boolean pythonFaultHandler, Duration hangGrace, boolean coreDumps, long coreMaxBytes,
        String gdb, Duration gdbTimeout, int tracebackMaxChars) {
      this(pythonFaultHandler, hangGrace, coreDumps, coreMaxBytes, gdb, gdbTimeout, tracebackMaxChars,
          DEFAULT_KEEP_CORES_FOR);
    }
  }

  /** Reads and validates a config: single keys first, then the rules across keys. */
  public static AgentConfig load(ConfigSource source) {
    String stationId = source.requiredString("station.id");
    if (!Schemas.isValidStationId(stationId)) {
      throw new ConfigException("station.id: \"" + stationId + "\" is not a valid station id (letters, digits, "
          + "'.', '_', '-'; at most 64; it becomes an MQTT topic level)");
    }
    String site = source.string("station.site", null);
    String line = source.string("station.line", null);
    Map<String, String> labels = source.map("station.labels");
    Path dataDir = source.path("agent.dataDir", DEFAULT_DATA_DIR);

    URI url = source.uri("mqtt.url", DEFAULT_MQTT_URL, Set.of("tcp", "ssl", "ws", "wss"));
    Mqtt mqtt = new Mqtt(
        url,
        source.string("mqtt.clientId", "testline-agent-" + stationId),
        source.string("mqtt.username", null),
        source.string("mqtt.password", null),
        source.duration("mqtt.sessionExpiry", DEFAULT_SESSION_EXPIRY, Duration.ZERO, Duration.ofSeconds(0xFFFFFFFFL)),
        source.duration("mqtt.keepAlive", DEFAULT_KEEP_ALIVE, Duration.ofSeconds(1), Duration.ofSeconds(65535)),
        source.duration("mqtt.connectTimeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(5)),
        source.integer("mqtt.maxInflight", DEFAULT_MAX_INFLIGHT, 1, 65535),
        source.duration("mqtt.reconnect.initialDelay", DEFAULT_RECONNECT_INITIAL, Duration.ofMillis(10),
            Duration.ofMinutes(5)),
        source.duration("mqtt.reconnect.maxDelay", DEFAULT_RECONNECT_MAX, Duration.ofMillis(10), Duration.ofHours(1)),
        source.path("mqtt.tls.trustStore", null),
        source.string("mqtt.tls.trustStorePassword", null),
        source.path("mqtt.tls.keyStore", null),
        source.string("mqtt.tls.keyStorePassword", null));

    Journal journal = new Journal(
        source.path("journal.path", dataDir.resolve("journal.db")),
        source.bytes("journal.maxBytes", DEFAULT_JOURNAL_MAX_BYTES, 64L << 10, Long.MAX_VALUE),
        source.integer("journal.alarmPercent", DEFAULT_ALARM_PERCENT, 1, 100),
        source.bytes("journal.minFreeDisk", DEFAULT_MIN_FREE_DISK, 0, Long.MAX_VALUE),
        source.enumValue("journal.keepUntil", KeepUntil.class, KeepUntil.PUBACK),
        source.duration("journal.resendAfter", DEFAULT_RESEND_AFTER, Duration.ofSeconds(1), Duration.ofDays(1)),
        source.duration("journal.keepSentFor", DEFAULT_KEEP_SENT_FOR, Duration.ofSeconds(1), Duration.ofDays(7)));

    Run run = new Run(
        source.duration("run.timeout", DEFAULT_RUN_TIMEOUT, Duration.ofMillis(100), Duration.ofDays(7)),
        source.duration("run.killGrace", DEFAULT_KILL_GRACE, Duration.ZERO, Duration.ofMinutes(5)),
        source.duration("run.flushTimeout", DEFAULT_FLUSH_TIMEOUT, Duration.ZERO, Duration.ofHours(1)),
        source.duration("run.verdictTimeout", DEFAULT_VERDICT_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
        source.duration("run.logFlushInterval", DEFAULT_LOG_FLUSH_INTERVAL, Duration.ofMillis(10),
            Duration.ofSeconds(60)),
        exitCodes(source, "run.failExitCodes"),
        source.string("run.program.name", null),
        source.string("run.program.version", null),
        source.string("run.testMethod", null),
        source.string("run.operation", null),
        childEnvironment(source));

    Watch watch = new Watch(
        source.duration("watch.poll", DEFAULT_WATCH_POLL, Duration.ofMillis(10), Duration.ofMinutes(10)),
        source.duration("watch.settle", DEFAULT_WATCH_SETTLE, Duration.ZERO, Duration.ofHours(1)),
        source.string("watch.processedSuffix", ".done"),
        source.map("watch.mapping"),
        source.bytes("watch.maxFileBytes", DEFAULT_WATCH_MAX_FILE_BYTES, 1024, 1L << 30));

    Forensics forensics = new Forensics(
        source.bool("forensics.pythonFaultHandler", true),
        source.duration("forensics.hangGrace", DEFAULT_HANG_GRACE, Duration.ZERO, Duration.ofMinutes(1)),
        source.bool("forensics.coreDumps", true),
        source.bytes("forensics.coreMaxBytes", DEFAULT_CORE_MAX_BYTES, 4096, Long.MAX_VALUE),
        source.string("forensics.gdb", DEFAULT_GDB),
        source.duration("forensics.gdbTimeout", DEFAULT_GDB_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)),
        source.integer("forensics.tracebackMaxChars", DEFAULT_TRACEBACK_MAX_CHARS, 1024, 65536),
        source.duration("forensics.keepCoresFor", DEFAULT_KEEP_CORES_FOR, Duration.ofMinutes(1),
            Duration.ofDays(3650)),
        source.bool("forensics.uploadCores", false),
        source.bytes("forensics.uploadMaxBytes", DEFAULT_UPLOAD_MAX_BYTES, 0, 1L << 30),
        source.path("forensics.minidumpDir", null));

    Duration heartbeat = source.duration("heartbeat.interval", DEFAULT_HEARTBEAT_INTERVAL, Duration.ofMillis(100),
        Duration.ofHours(1));

    String metricsHost = source.string("metrics.host", DEFAULT_METRICS_HOST);
    int metricsPort = source.integer("metrics.port", DEFAULT_METRICS_PORT, 0, 65535);

    source.requireNoUnknownKeys();

    if (mqtt.reconnectMaxDelay().compareTo(mqtt.reconnectInitialDelay()) < 0) {
      throw new ConfigException("mqtt.reconnect.maxDelay: " + mqtt.reconnectMaxDelay()
          + " is shorter than mqtt.reconnect.initialDelay " + mqtt.reconnectInitialDelay());
    }
    if ((mqtt.username() == null) != (mqtt.password() == null)) {
      throw new ConfigException((mqtt.username() == null ? "mqtt.username" : "mqtt.password")
          + ": is required when " + (mqtt.username() == null ? "mqtt.password" : "mqtt.username") + " is set");
    }
    if (!mqtt.tls() && (mqtt.trustStore() != null || mqtt.keyStore() != null)) {
      throw new ConfigException("mqtt.tls.trustStore: TLS settings need an ssl:// or wss:// mqtt.url, was " + url);
    }
    if (watch.processedSuffix().isBlank()) {
      throw new ConfigException("watch.processedSuffix: must not be empty");
    }
    return new AgentConfig(stationId, site, line, labels, dataDir, mqtt, journal, run, watch, forensics, heartbeat,
        metricsHost, metricsPort);
  }

  /** Where each run's directory is created. */
  public Path runsDir() {
    return dataDir.resolve("runs");
  }

  /** A digest of the effective settings (credentials left out), so a birth shows which config a station runs. */
  public String hash() {
    Map<String, String> effective = new TreeMap<>();
    effective.put("station", stationId + "|" + site + "|" + line + "|" + new TreeMap<>(labels));
    effective.put("mqtt", mqtt.url() + "|" + mqtt.clientId() + "|" + mqtt.username() + "|" + mqtt.sessionExpiry()
        + "|" + mqtt.keepAlive() + "|" + mqtt.maxInflight() + "|" + mqtt.trustStore() + "|" + mqtt.keyStore());
    effective.put("journal", journal.toString());
    effective.put("run", run.toString());
    effective.put("watch", watch.poll() + "|" + watch.settle() + "|" + watch.processedSuffix() + "|"
        + new TreeMap<>(watch.mapping()) + "|" + watch.maxFileBytes());
    effective.put("forensics", forensics.toString());
    effective.put("heartbeat", heartbeatInterval.toString());
    effective.put("metrics", metricsHost + ":" + metricsPort);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(effective.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static ChildEnvironment childEnvironment(ConfigSource source) {
    List<String> deny = source.list("run.environment.deny", List.of());
    List<String> allow = source.list("run.environment.allow", null);
    try {
      return new ChildEnvironment(deny, allow);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("run.environment." + e.getMessage());
    }
  }

  private static List<Integer> exitCodes(ConfigSource source, String key) {
    return source.list(key, List.of()).stream().map(text -> {
      try {
        int code = Integer.parseInt(text.trim());
        if (code < 1 || code > 255) {
          throw new ConfigException(key + ": \"" + text + "\" is not an exit code from 1 to 255");
        }
        return code;
      } catch (NumberFormatException e) {
        throw new ConfigException(key + ": \"" + text + "\" is not an exit code from 1 to 255");
      }
    }).toList();
  }
}
