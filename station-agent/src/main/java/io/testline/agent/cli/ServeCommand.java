package io.testline.agent.cli;

import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.FreeSpaceProbe;
import io.testline.agent.run.AgentExitCodes;
import io.testline.metrics.HealthReport;
import io.testline.metrics.JvmMeters;
import io.testline.metrics.MetricsEndpoint;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code testline-agent serve}: the long-running station service. Keeps the station online (birth, heartbeats, Will),
 * closes runs a dead agent left open, and drains the journal, including what {@code run} processes journal while it
 * holds the publisher lock. Serves Prometheus metrics at {@code /metrics} when {@code metrics.port} is set. Stops on
 * SIGTERM or Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Keeps the station online and sends the journal until stopped (the systemd / Windows service).")
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg = config.load();
    CountDownLatch stop = new CountDownLatch(1);
    try (AgentRuntime runtime = AgentRuntime.start(cfg, FreeSpaceProbe.FILE_SYSTEM, Clock.systemUTC());
         StopHook hook = new StopHook(stop::countDown, cfg.run().flushTimeout().plus(Duration.ofSeconds(15)))) {
      if (!runtime.publishing()) {
        spec.commandLine().getErr().println("testline-agent: another agent process of station " + cfg.stationId()
            + " already publishes its journal; serve is not needed twice.");
        hook.finished(AgentExitCodes.INTERNAL);
        return AgentExitCodes.INTERNAL;
      }
      try (MetricsEndpoint endpoint = startMetrics(cfg, runtime)) {
        spec.commandLine().getOut().println("testline-agent serving station " + cfg.stationId()
            + (endpoint == null ? "" : ", metrics at http://" + cfg.metricsHost() + ":" + endpoint.port() + "/metrics"));
        spec.commandLine().getOut().flush();
        stop.await();
      }
      runtime.close();
      hook.finished(0);
      return 0;
    }
  }

  /** The Prometheus endpoint on {@code metrics.port} with the JVM's own meters beside the agent's; null when off. */
  private static MetricsEndpoint startMetrics(AgentConfig cfg, AgentRuntime runtime) throws IOException {
    if (cfg.metricsPort() == 0) {
      return null;
    }
    JvmMeters.bindTo(runtime.metrics());
    return MetricsEndpoint.start("agent", cfg.metricsHost(), cfg.metricsPort(), runtime.metrics(),
        () -> new HealthReport(runtime.connected(), Map.of("mqttConnected", runtime.connected())));
  }
}
