package io.testline.agent.cli;

import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.FreeSpaceProbe;
import io.testline.agent.watch.FolderWatcher;
import io.testline.agent.watch.WatchFormat;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code testline-agent watch <folder>}: publishes result files of programs that cannot be changed. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Picks up result files (JSON; CSV or key=value with watch.mapping; OpenHTF records with --format "
        + "openhtf; ATML with --format atml) from a folder once they are "
        + "complete, publishes each as a run exactly once across restarts and renames it with watch.processedSuffix.")
final class WatchCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Parameters(index = "0", paramLabel = "FOLDER", description = "The folder the test program writes results to.")
  Path folder;

  @Option(names = "--once", description = "Process what is there now, then exit.")
  boolean once;

  @Option(names = "--format", defaultValue = "testline", paramLabel = "FORMAT", description = "testline (JSON with "
      + "testline's fields; CSV or key=value with watch.mapping) or openhtf (OpenHTF JSON test records as its "
      + "json_factory output callback writes them) or atml (IEEE 1636.1 TestResults, as TestStand writes them). "
      + "Default: ${DEFAULT-VALUE}.")
  WatchFormat format;

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg = config.load();
    CountDownLatch stop = new CountDownLatch(1);
    try (AgentRuntime runtime = AgentRuntime.start(cfg, FreeSpaceProbe.FILE_SYSTEM, Clock.systemUTC());
         StopHook hook = new StopHook(stop::countDown, cfg.run().flushTimeout().plus(Duration.ofSeconds(15)));
         FolderWatcher watcher = new FolderWatcher(folder, format, cfg, runtime.journal(), Clock.systemUTC())) {
      if (once) {
        watcher.scanOnce();
      } else {
        watcher.start();
        stop.await();
      }
      watcher.close();
      runtime.close();
      hook.finished(0);
      return 0;
    }
  }
}
