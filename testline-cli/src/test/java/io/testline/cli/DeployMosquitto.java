package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * Debian's mosquitto running the compose deployment's own {@code deploy/mosquitto/mosquitto.conf} ({@code mosquitto
 * -c}): a copy with only its container paths and its two listeners' ports adapted (both on 127.0.0.1), the password
 * file made with {@code mosquitto_passwd}, the broker certificates made by {@code deploy/mosquitto/make-certs.sh}.
 */
final class DeployMosquitto implements AutoCloseable {
  static final Path REPO = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  static final Path CONF = REPO.resolve("deploy/mosquitto/mosquitto.conf");

  private final Process broker;
  private final Path log;
  private final Map<String, String> passwords;
  final int port;
  final int tlsPort;

  private DeployMosquitto(Process broker, Path log, Map<String, String> passwords, int port, int tlsPort) {
    this.broker = broker;
    this.log = log;
    this.passwords = Map.copyOf(passwords);
    this.port = port;
    this.tlsPort = tlsPort;
  }

  /** Connect options that log in as {@code user} with the password the broker was started with. */
  MqttConnectionOptions login(String user) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setUserName(user);
    options.setPassword(passwords.get(user).getBytes(StandardCharsets.UTF_8));
    options.setConnectionTimeout(10);
    return options;
  }

  /** The broker's resident memory now, in KiB ({@code VmRSS} of /proc). */
  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(broker.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for the broker's process " + broker.pid());
  }

  boolean alive() {
    return broker.isAlive();
  }

  /**
   * Runs {@code make-certs.sh -o out -s localhost -s 127.0.0.1 stations...} with openssl from the machine and the
   * test JVM's own keytool; returns what it printed.
   */
  static String makeCerts(Path out, String... stations) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", REPO.resolve("deploy/mosquitto/make-certs.sh").toString(),
        "-o", out.toString(), "-s", "localhost", "-s", "127.0.0.1"));
    command.addAll(List.of(stations));
    return run(command, Map.of("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator
        + System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
  }

  /**
   * Starts the broker in {@code dir} with these cleartext-listener logins, the broker certificates of {@code certs}
   * (a make-certs.sh folder), and waits until both listeners accept connections.
   */
  static DeployMosquitto start(Path dir, Map<String, String> passwords, Path certs) throws Exception {
    return start(dir, passwords, certs, Map.of());
  }

  /**
   * As {@link #start(Path, Map, Path)}, with these further whole lines of the file replaced (e.g. a limit scaled down
   * for a test that must stay short); each must be in the file as it is.
   */
  static DeployMosquitto start(Path dir, Map<String, String> passwords, Path certs, Map<String, String> replaced)
      throws Exception {
    Path passwd = Files.createFile(dir.resolve("passwd"));
    for (Map.Entry<String, String> user : passwords.entrySet()) {
      run(List.of(RequiredTools.require("mosquitto_passwd").toString(), "-b", passwd.toString(), user.getKey(),
          user.getValue()), Map.of());
    }
    return start(dir, passwd, passwords, certs, replaced);
  }

  /**
   * As {@link #start(Path, Map, Path, Map)} with a password file made elsewhere (e.g. by make-secrets.sh);
   * {@code passwords} are those {@link #login(String)} uses.
   */
  static DeployMosquitto start(Path dir, Path passwd, Map<String, String> passwords, Path certs,
      Map<String, String> replaced) throws Exception {
    int port = freePort();
    int tlsPort = freePort();
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put("password_file /mosquitto/config/passwd", "password_file " + passwd);
    lines.put("acl_file /mosquitto/config/acl", "acl_file " + REPO.resolve("deploy/mosquitto/acl"));
    lines.put("persistence_location /mosquitto/data/",
        "persistence_location " + Files.createDirectories(dir.resolve("data")) + "/");
    lines.put("listener 1883", "listener " + port + " 127.0.0.1");
    lines.put("listener 8883", "listener " + tlsPort + " 127.0.0.1");
    lines.put("cafile /mosquitto/certs/ca.crt", "cafile " + certs.resolve("broker/ca.crt"));
    lines.put("certfile /mosquitto/certs/server.crt", "certfile " + certs.resolve("broker/server.crt"));
    lines.put("keyfile /mosquitto/certs/server.key", "keyfile " + certs.resolve("broker/server.key"));
    lines.putAll(replaced);
    Path copy = dir.resolve("mosquitto.conf");
    Files.writeString(copy, adapt(Files.readString(CONF), lines)
        // as root, mosquitto would switch to user "mosquitto", which cannot read the test's temporary folder
        + ("root".equals(System.getProperty("user.name")) ? "user root\n" : ""));
    Path log = dir.resolve("mosquitto.log");
    Process broker = new ProcessBuilder(RequiredTools.require("mosquitto").toString(), "-c", copy.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    DeployMosquitto started = new DeployMosquitto(broker, log, passwords, port, tlsPort);
    try {
      await().atMost(Duration.ofSeconds(20))
          .until(() -> (accepting(port) && accepting(tlsPort)) || !broker.isAlive());
      assertThat(broker.isAlive()).as(started.log()).isTrue();
      return started;
    } catch (RuntimeException | Error e) {
      started.close();
      throw e;
    }
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  String tlsUri() {
    return "ssl://127.0.0.1:" + tlsPort;
  }

  /** What the broker logged so far. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    broker.destroy();
    if (!broker.waitFor(10, TimeUnit.SECONDS)) {
      broker.destroyForcibly();
    }
  }

  /** {@code conf} with each original line replaced; fails when the file no longer holds one of them. */
  private static String adapt(String conf, Map<String, String> lines) {
    String out = conf;
    for (Map.Entry<String, String> line : lines.entrySet()) {
      Pattern original = Pattern.compile("(?m)^" + Pattern.quote(line.getKey()) + "$");
      assertThat(out).as("deploy/mosquitto/mosquitto.conf holds the line %s", line.getKey())
          .containsPattern(original);
      out = original.matcher(out).replaceAll(Matcher.quoteReplacement(line.getValue()));
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean accepting(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", command) + ": " + out)
        .isTrue();
    return out;
  }
}
