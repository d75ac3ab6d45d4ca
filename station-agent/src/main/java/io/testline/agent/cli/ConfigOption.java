package io.testline.agent.cli;

import io.testline.agent.config.AgentConfig;
import io.testline.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares. */
final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The agent's YAML config (default: $TESTLINE_CONFIG, else ./agent.yaml if present). "
          + "Any key can be overridden by an environment variable, e.g. TESTLINE_MQTT_URL.")
  Path file;

  AgentConfig load() {
    Path f = file;
    if (f == null && System.getenv("TESTLINE_CONFIG") != null) {
      f = Path.of(System.getenv("TESTLINE_CONFIG"));
    }
    if (f == null && Files.isRegularFile(Path.of("agent.yaml"))) {
      f = Path.of("agent.yaml");
    }
    return AgentConfig.load(ConfigSource.load(f, System.getenv(), AgentConfig.ENV_PREFIX));
  }
}
