package io.testline.agent.support;

import io.testline.agent.cli.Main;
import io.testline.agent.config.AgentConfig;
import io.testline.brokers.MqttBroker;
import io.testline.config.ConfigSource;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** One station under test: its own id, data directory and agent.yaml pointing at the test broker. */
public final class TestStation {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  public final String stationId;
  public final Path dir;
  public final Path dataDir;
  public final Path configFile;

  public TestStation(Path tempDir, MqttBroker broker, String extraYaml) throws IOException {
    this(tempDir, broker, extraYaml, "20s");
  }

  /** {@code flushTimeout}: how long a run waits for the broker's acknowledgements before it exits. */
  public TestStation(Path tempDir, MqttBroker broker, String extraYaml, String flushTimeout) throws IOException {
    this.stationId = "ST-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    this.dir = tempDir;
    this.dataDir = tempDir.resolve("data");
    this.configFile = tempDir.resolve("agent.yaml");
    Files.writeString(configFile, """
        station:
          id: %s
          site: test-site
          line: L1
        agent:
          dataDir: %s
        mqtt:
          url: %s
          connectTimeout: 2s
          reconnect:
            initialDelay: 100ms
            maxDelay: 500ms
        run:
          killGrace: 1s
          flushTimeout: %s
          verdictTimeout: 20s
          logFlushInterval: 100ms
        heartbeat:
          interval: 1s
        %s
        """.formatted(stationId, dataDir, broker.serverUri(), flushTimeout, extraYaml == null ? "" : extraYaml));
  }

  public AgentConfig config() {
    return AgentConfig.load(ConfigSource.load(configFile, Map.of(), AgentConfig.ENV_PREFIX));
  }

  /** Writes a script into the station's directory. */
  public Path script(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    p.toFile().setExecutable(true);
    return p;
  }

  /** Runs {@code testline-agent run} in this JVM. */
  public Result run(String serial, String... commandAndOptions) {
    List<String> args = new ArrayList<>(List.of("run", "--config", configFile.toString(), "--serial", serial,
        "--workdir", dir.toString()));
    args.addAll(List.of(commandAndOptions));
    return execute(args.toArray(String[]::new));
  }

  public static Result execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The run directories of this station. */
  public List<Path> runDirs() throws IOException {
    Path runs = dataDir.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    try (var s = Files.list(runs)) {
      return s.sorted().toList();
    }
  }

  public Path runDir(UUID runId) {
    return dataDir.resolve("runs").resolve(runId.toString());
  }

  /** The state field of a run's run.json. */
  public static String runState(Path runDir) {
    try {
      return EventJson.mapper().readTree(runDir.resolve("run.json").toFile()).path("state").asText();
    } catch (IOException e) {
      return "";
    }
  }

  /** The agent command's outcome. */
  public record Result(int exitCode, String out, String err) {}
}
