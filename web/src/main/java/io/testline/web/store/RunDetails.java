package io.testline.web.store;

import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import io.testline.interop.store.Columns;
import io.testline.interop.store.RunLoader;
import io.testline.interop.store.StoredRun;
import io.testline.web.view.CrashView;
import io.testline.web.view.LogLineView;
import io.testline.web.view.RunDetail;
import io.testline.web.view.StepView;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One run for the run page, read by interop's {@link RunLoader} (the loader of the query API's run document and of
 * every export) and shaped for the page: its failing step marked, split log lines joined, its crash section.
 */
public final class RunDetails {
  private static final String UPLOADS = """
      select u.name, coalesce(a.complete, false)
      from (select name from attachment_chunks where run_id = ?
            union select jsonb_array_elements_text(crash_uploaded) from runs where run_id = ?) u (name)
      left join (select name, count(*) = max(chunks) as complete from attachment_chunks where run_id = ?
                 group by name) a using (name)
      order by u.name""";

  private final RunLoader loader;
  private final DataSource dataSource;

  /** @param logLines the log lines (as stored, before split lines are joined) a page shows at most */
  public RunDetails(DataSource dataSource, int logLines) {
    this.loader = new RunLoader(dataSource, logLines);
    this.dataSource = dataSource;
  }

  /** The run, or empty when it is not known. */
  public Optional<RunDetail> get(UUID runId) throws SQLException {
    Optional<RunDetail> detail = loader.loadStored(runId).map(RunDetails::detail);
    if (detail.isEmpty() || detail.get().crash() == null) {
      return detail;
    }
    List<String> complete = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    uploads(runId, complete, incomplete);
    return complete.isEmpty() && incomplete.isEmpty() ? detail
        : Optional.of(detail.get().withCrash(detail.get().crash().withUploads(complete, incomplete)));
  }

  /**
   * The files uploaded with the run ({@code attachment_chunks}) and those its crash section says the agent uploads
   * ({@code runs.crash_uploaded}): into {@code complete} when every chunk is stored, else into {@code incomplete}.
   */
  private void uploads(UUID runId, List<String> complete, List<String> incomplete) throws SQLException {
    try (java.sql.Connection c = dataSource.getConnection();
         java.sql.PreparedStatement ps = c.prepareStatement(UPLOADS)) {
      ps.setObject(1, runId);
      ps.setObject(2, runId);
      ps.setObject(3, runId);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          (rs.getBoolean(2) ? complete : incomplete).add(rs.getString(1));
        }
      }
    }
  }

  static RunDetail detail(StoredRun stored) {
    RunRecord r = stored.record();
    RunRecord.Verdict v = r.verdict();
    return new RunDetail(r.runId(), r.serialNumber(), r.stationId(), r.operation(), r.partNumber(),
        r.partRevision(), r.programName(), r.programVersion(), r.operator(), r.workOrder(), r.attempt(),
        r.testMethod(), r.startedAt(), r.endedAt(), r.durationMs(), r.finished(), r.outcome(), r.exitCode(),
        r.signal(), stored.run().bool("core_dumped"), r.errorCode(), r.errorMessage(), r.failingStep(),
        v == null ? null : v.verdict(), v == null ? null : v.code(), v == null ? null : v.message(),
        v == null ? null : v.attempts(), steps(r.steps(), r.failingStep()), log(r.log()), r.logLines(),
        crash(stored.run()));
  }

  private static CrashView crash(Columns run) {
    String kind = run.text("crash_kind");
    return kind == null ? null : new CrashView(kind, run.text("crash_site"), run.text("crash_reason"),
        run.text("crash_traceback"), run.text("crash_core_file"), run.text("crash_minidump_file"), List.of(),
        List.of());
  }

  /** The run names its failing step by path (or name); without one, the first step that failed is it. */
  private static List<StepView> steps(List<StepRecord> steps, String failingStep) {
    List<StepView> out = new ArrayList<>(steps.size());
    boolean failingFound = false;
    for (StepRecord s : steps) {
      boolean failed = "FAIL".equals(s.outcome()) || "ERROR".equals(s.outcome());
      boolean failing = !failingFound && failed && (failingStep == null || failingStep.equals(s.path())
          || failingStep.equals(s.name()));
      failingFound |= failing;
      out.add(new StepView(s.index(), s.name(), s.path(), s.startedAt(), s.endedAt(), s.outcome(), s.errorCode(),
          s.errorMessage(), failing, s.measurements()));
    }
    return out;
  }

  /** The lines in capture order; a line the agent split ({@code partial}) is joined with its continuation. */
  private static List<LogLineView> log(List<RunRecord.LogEntry> entries) {
    List<LogLineView> out = new ArrayList<>();
    Map<String, StringBuilder> open = new LinkedHashMap<>();
    Map<String, Instant> openAt = new LinkedHashMap<>();
    for (RunRecord.LogEntry e : entries) {
      String stream = stream(e.stream());
      String text = e.text() == null ? "" : e.text();
      Instant time = e.at();
      StringBuilder pending = open.remove(stream);
      Instant pendingAt = openAt.remove(stream);
      if (pending != null) {
        text = pending.append(text).toString();
        time = pendingAt;
      }
      if (e.partial()) {
        open.put(stream, new StringBuilder(text));
        openAt.put(stream, time);
      } else {
        out.add(new LogLineView(stream, time, text));
      }
    }
    open.forEach((stream, text) -> out.add(new LogLineView(stream, openAt.get(stream), text.toString())));
    return out;
  }

  private static String stream(String stored) {
    return switch (stored == null ? "" : stored) {
      case "STDOUT", "STDERR", "AGENT" -> stored;
      default -> "OTHER";
    };
  }
}
