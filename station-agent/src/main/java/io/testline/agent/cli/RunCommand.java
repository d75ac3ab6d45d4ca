package io.testline.agent.cli;

import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.Admission;
import io.testline.agent.journal.FreeSpaceProbe;
import io.testline.agent.journal.Journal;
import io.testline.agent.run.AbortSignal;
import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.run.RunExecutor;
import io.testline.agent.run.RunRefusedException;
import io.testline.agent.run.RunReport;
import io.testline.agent.run.RunRequest;
import io.testline.schemas.RunFinished;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code testline-agent run}: wraps one test program run. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Runs a test program as a child process: captures stdout and stderr, reads structured results from the file "
            + "named in $TESTLINE_RESULTS_FILE, journals run.started, run.step, run.log and run.finished and publishes "
            + "them. The exit code tells the result (see testline-agent --help).",
        "Example: testline-agent run --serial SN123 --part PCB-1 -- python3 fct.py --fixture 2"})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOption config;

  @Option(names = {"-s", "--serial"}, required = true, paramLabel = "SN",
      description = "Serial number of the unit under test; repeat for a panel (the first is the primary unit).")
  List<String> serials;

  @Option(names = "--part", description = "Part number.")
  String part;

  @Option(names = "--revision", description = "Part revision.")
  String revision;

  @Option(names = "--operator", description = "Operator id.")
  String operator;

  @Option(names = "--work-order", description = "Work order.")
  String workOrder;

  @Option(names = "--attempt", defaultValue = "1", description = "1 for the first test of the unit here, 2 for the "
      + "first retest, ... (default: ${DEFAULT-VALUE}).")
  int attempt;

  @Option(names = "--test-method", description = "e.g. ICT, FCT, EOL (default: run.testMethod).")
  String testMethod;

  @Option(names = "--operation", description = "The route step the shopfloor expects (default: run.operation).")
  String operation;

  @Option(names = "--program-name", description = "Test program name (default: run.program.name, else the script's "
      + "file name).")
  String programName;

  @Option(names = "--program-version", description = "Test program version (default: run.program.version).")
  String programVersion;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Kill the program's process tree after this "
      + "long, e.g. 90s, 10m, PT1H (default: run.timeout).")
  String timeout;

  @Option(names = "--wait-verdict", description = "After the run, wait for the shopfloor's verdict on the MQTT "
      + "downlink (up to run.verdictTimeout); the exit code then says whether the shopfloor accepted the result.")
  boolean waitVerdict;

  @Option(names = "--results-format", defaultValue = "jsonl", paramLabel = "FORMAT", description = "jsonl (the "
      + "results channel, $TESTLINE_RESULTS_FILE) or openhtf: also read the OpenHTF test record (*.json) the program "
      + "writes into $TESTLINE_RUN_DIR. Default: ${DEFAULT-VALUE}.")
  ResultsFormat resultsFormat;

  @Option(names = "--workdir", paramLabel = "DIR", description = "The program's working directory (default: the "
      + "current one).")
  Path workDir;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The test program and its arguments, after --.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    // refused before anything runs: the bridge would dead-letter every event of the run
    for (String serial : serials) {
      String problem = RunRequest.serialProblem(serial);
      if (problem != null) {
        spec.commandLine().getErr().println("testline-agent: --serial: " + problem);
        return AgentExitCodes.USAGE;
      }
    }
    AgentConfig cfg = config.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AbortSignal abort = new AbortSignal();
    Duration hookWait = cfg.run().killGrace().plus(cfg.run().flushTimeout()).plusSeconds(15);
    Admission disk = Journal.diskAdmission(cfg.journal().path(), FreeSpaceProbe.FILE_SYSTEM,
        cfg.journal().minFreeDisk());
    if (!disk.admitted()) {
      err.println("testline-agent: RUN REFUSED: " + disk.reason());
      return AgentExitCodes.REFUSED;
    }
    try (AgentRuntime runtime = AgentRuntime.start(cfg, FreeSpaceProbe.FILE_SYSTEM, Clock.systemUTC());
         StopHook hook = new StopHook(() -> abort.abort("the agent was asked to stop (Ctrl-C or SIGTERM)"),
             hookWait)) {
      for (RunFinished r : runtime.recovered()) {
        err.println("testline-agent: closed interrupted run " + r.runId() + " of " + r.serialNumber()
            + " as ERROR: agent restarted");
      }
      int code = runOnce(cfg, runtime, abort, out, err);
      runtime.close();
      hook.finished(code);
      return code;
    }
  }

  private int runOnce(AgentConfig cfg, AgentRuntime runtime, AbortSignal abort, PrintWriter out, PrintWriter err)
      throws Exception {
    RunRequest request = new RunRequest(serials, part, revision, operator, workOrder, attempt, testMethod, operation,
        programName, programVersion, command, workDir != null ? workDir : Path.of("").toAbsolutePath(),
        timeout == null ? null : DurationText.parse(spec.commandLine(), "--timeout", timeout));
    RunReport report;
    try {
      report = new RunExecutor(cfg, runtime.journal(), Clock.systemUTC(),
          resultsFormat.importer()).execute(request, abort);
    } catch (RunRefusedException e) {
      err.println("testline-agent: RUN REFUSED: " + e.getMessage());
      return AgentExitCodes.REFUSED;
    }
    RunFinished finished = report.finished();
    out.println("testline: " + report.summary());
    boolean delivered = runtime.flush(cfg.run().flushTimeout());
    if (!delivered) {
      err.println("testline-agent: the result is saved in the journal but not yet acknowledged by the broker; the "
          + "next agent start (or testline-agent serve) sends it.");
    }
    if (!waitVerdict) {
      return report.exitCode();
    }
    if (runtime.verdicts().isEmpty()) {
      err.println("testline-agent: cannot wait for the shopfloor verdict: another agent process of this station "
          + "publishes (testline-agent serve). Result: " + finished.outcome());
      return AgentExitCodes.VERDICT_TIMEOUT;
    }
    Optional<ShopfloorVerdict> verdict = runtime.verdicts().get().await(finished.runId(), cfg.run().verdictTimeout());
    if (verdict.isEmpty()) {
      err.println("testline-agent: SHOPFLOOR VERDICT UNKNOWN: no verdict for run " + finished.runId() + " within "
          + cfg.run().verdictTimeout() + (delivered ? "" : " (the result has not reached the broker yet)")
          + ". Result: " + finished.outcome());
      return AgentExitCodes.VERDICT_TIMEOUT;
    }
    ShopfloorVerdict v = verdict.get();
    if (v.verdict() == Verdict.ACCEPTED) {
      out.println("testline: shopfloor ACCEPTED " + finished.serialNumber() + " " + finished.outcome()
          + (v.shopfloorReference() == null ? "" : " (reference " + v.shopfloorReference() + ")"));
    } else {
      err.println("testline-agent: SHOPFLOOR " + v.verdict() + " " + finished.serialNumber() + " "
          + finished.outcome() + ": code " + v.code() + (v.message() == null ? "" : ": " + v.message()));
    }
    return AgentExitCodes.of(finished.outcome(), v.verdict());
  }
}
