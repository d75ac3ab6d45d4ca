package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.exit.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command line of the distribution, run as its own process through the one entry point
 * ({@code io.testline.cli.Main}, what {@code bin/testline} starts), ends a bad option with 64, a bad configuration
 * with 78 and answers {@code --version}: one table, never the agent's test outcomes 1 to 12.
 */
class ExitCodesIT {
  @TempDir
  Path tmp;

  @Test
  void every_command_exits_64_on_a_bad_option_78_on_a_bad_config_and_0_on_version() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "no:\n  such: key\n");
    Map<String, Expected> cases = new LinkedHashMap<>();
    cases.put("testline --no-such-option", new Expected(ExitCodes.USAGE, "testline: Unknown option"));
    cases.put("testline audit", new Expected(ExitCodes.USAGE, "Missing required option"));
    cases.put("testline bridge run --no-such-option", new Expected(ExitCodes.USAGE, "Unknown option"));
    cases.put("testline result-consumer run --no-such-option", new Expected(ExitCodes.USAGE, "Unknown option"));
    cases.put("testline shopfloor-bridge run --no-such-option", new Expected(ExitCodes.USAGE, "Unknown option"));
    cases.put("testline agent run --no-such-option", new Expected(ExitCodes.USAGE, "testline-agent: "));
    cases.put("testline bridge run --config " + bad, new Expected(ExitCodes.CONFIG, "configuration error"));
    cases.put("testline result-consumer run --config " + bad, new Expected(ExitCodes.CONFIG,
        "configuration error"));
    cases.put("testline shopfloor-bridge run --config " + bad, new Expected(ExitCodes.CONFIG,
        "configuration error"));
    cases.put("testline agent run --config " + bad + " --serial SN-1 -- true", new Expected(ExitCodes.CONFIG,
        "configuration error"));
    for (String command : List.of("testline", "testline bridge", "testline result-consumer",
        "testline shopfloor-bridge", "testline web", "testline agent")) {
      cases.put(command + " --version", new Expected(ExitCodes.OK, "0."));
    }

    Map<String, Process> running = new LinkedHashMap<>();
    for (String command : cases.keySet()) {
      List<String> args = new ArrayList<>(List.of(ServiceJvm.javaBin(), "-Xmx96m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
          "io.testline.cli.Main"));
      List<String> words = List.of(command.split(" "));
      args.addAll(words.subList(1, words.size()));
      running.put(command, new ProcessBuilder(args).redirectErrorStream(true).start());
    }
    SoftAssertions soft = new SoftAssertions();
    for (Map.Entry<String, Process> p : running.entrySet()) {
      String output = new String(p.getValue().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.getValue().waitFor(120, TimeUnit.SECONDS)).as(p.getKey()).isTrue();
      Expected expected = cases.get(p.getKey());
      soft.assertThat(p.getValue().exitValue()).as("%s, which printed:%n%s", p.getKey(), output)
          .isEqualTo(expected.code());
      soft.assertThat(output).as(p.getKey()).contains(expected.output());
    }
    soft.assertAll();
  }

  private record Expected(int code, String output) {}
}
