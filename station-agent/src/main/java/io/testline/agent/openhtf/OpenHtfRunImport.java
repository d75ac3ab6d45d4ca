package io.testline.agent.openhtf;

import io.testline.agent.results.ImportedRun;
import io.testline.agent.results.ResultRecord;
import io.testline.agent.results.ResultsImport;
import io.testline.schemas.LogLine;
import io.testline.schemas.Step;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code run --results-format openhtf}: after the wrapped OpenHTF program ended, reads the test record it wrote into
 * its run directory ({@code $TESTLINE_RUN_DIR/<any name>.json}, e.g. with
 * {@code OutputToJSON(os.environ["TESTLINE_RUN_DIR"] + "/{dut_id}.json")}). The phases become the run's steps, the
 * record's outcome the program's verdict, attachments files under {@code attachments/} of the run directory, and
 * the log records lines of the run's agent log. No record, several, or one that cannot be read make the run an
 * ERROR with the reason; the files stay in the run directory.
 */
public final class OpenHtfRunImport implements ResultsImport {
  /** The agent's own file in the run directory. */
  private static final String RUN_JSON = "run.json";

  @Override
  public Imported afterExit(Path runDir, String serialNumber, Instant readAt) {
    List<String> notes = new ArrayList<>();
    List<Path> records;
    try (Stream<Path> files = Files.list(runDir)) {
      records = files.filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(p -> !p.getFileName().toString().equals(RUN_JSON)).filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      return failed("OPENHTF_RECORD_UNREADABLE", "cannot list " + runDir + ": " + e.getMessage(), notes);
    }
    if (records.isEmpty()) {
      return failed("OPENHTF_RECORD_MISSING", "the program wrote no OpenHTF test record (*.json) into " + runDir,
          notes);
    }
    if (records.size() > 1) {
      return failed("OPENHTF_RECORD_AMBIGUOUS", "the program wrote " + records.size() + " OpenHTF test records into "
          + runDir + " " + records.stream().map(p -> p.getFileName().toString()).toList() + "; one run takes one",
          notes);
    }
    Path file = records.get(0);
    ImportedRun r;
    try (InputStream in = Files.newInputStream(file)) {
      r = OpenHtfImporter.read(in, runDir.resolve("attachments"), p -> runDir.relativize(p).toString());
    } catch (IOException | RuntimeException e) {
      // whatever went wrong, the run still ends with run.finished, and says why
      return failed("OPENHTF_RECORD_INVALID", "OpenHTF test record " + file.getFileName() + " rejected: "
          + e.getMessage(), notes);
    }
    notes.add("OpenHTF test record " + file.getFileName() + ": " + r.steps().size() + " phases, outcome "
        + r.outcome());
    if (!r.serialNumber().equals(serialNumber)) {
      notes.add("OpenHTF test record " + file.getFileName() + ": its dut_id \"" + Fields.limit(r.serialNumber(), 200)
          + "\" is not the run's serial number; the run keeps " + serialNumber);
    }
    for (LogLine line : r.log()) {
      notes.add("openhtf log " + line.at() + " " + line.text());
    }
    notes.addAll(r.notes());
    List<ResultRecord> out = new ArrayList<>();
    for (Step s : r.steps()) {
      out.add(new ResultRecord.StepRecord(s.index() + 1L, s));
    }
    out.add(new ResultRecord.RunRecord(out.size() + 1L, r.outcome().name(), r.errorCode(), r.errorMessage()));
    return new Imported(out, notes);
  }

  private static Imported failed(String code, String message, List<String> notes) {
    notes.add(message);
    return new Imported(List.of(new ResultRecord.RunRecord(1, "ERROR", code, message)), notes);
  }
}
