package io.testline.cli.audit;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.audit.AuditReport;
import io.testline.audit.AuditReport.Run;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes an {@link AuditReport} as Markdown for people and as JSON for machines. */
public final class AuditReportWriter {
  private AuditReportWriter() {}

  /** Writes {@code audit.md} and {@code audit.json} into {@code dir}; returns the Markdown text. */
  public static String write(AuditReport report, Path dir) throws IOException {
    Files.createDirectories(dir);
    String markdown = markdown(report);
    Files.writeString(dir.resolve("audit.md"), markdown, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("audit.json"), json(report), StandardCharsets.UTF_8);
    return markdown;
  }

  public static String json(AuditReport report) throws IOException {
    ObjectNode root = EventJson.mapper().valueToTree(report);
    root.put("complete", report.complete());
    root.put("deadLetterCount", report.deadLetterCount());
    return EventJson.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
  }

  public static String markdown(AuditReport r) {
    StringBuilder md = new StringBuilder();
    md.append("# testline audit ").append(r.from()).append(" to ").append(r.to()).append("\n\n");
    md.append(r.complete() ? "**COMPLETE**: every run of the window finished, is stored and has a shopfloor verdict."
        : "**INCOMPLETE**: see the lists below.").append("\n\n");
    md.append("| check | count |\n|---|---|\n");
    row(md, "runs in the window", r.runs().size());
    row(md, "started", r.count(Run::started));
    row(md, "finished", r.count(Run::finished));
    row(md, "stored", r.count(Run::stored));
    row(md, "with a shopfloor verdict", r.count(run -> run.verdict() != null));
    row(md, "accepted", r.count(run -> "ACCEPTED".equals(run.verdict())));
    row(md, "rejected by the shopfloor", r.rejected().size());
    row(md, "started without a finish", r.startedNotFinished().size());
    row(md, "finished but not stored", r.finishedNotStored().size());
    row(md, "finished without a verdict", r.storedWithoutVerdict().size());
    row(md, "finished but not in the shopfloor ledger", r.notSubmitted().size());
    row(md, "dead shopfloor submissions", r.dead().size());
    row(md, "sequence gaps", r.seqGaps().size());
    row(md, "dead letters", r.deadLetterCount());
    md.append('\n');
    runs(md, "Started without a finish", r.startedNotFinished());
    runs(md, "Finished but not stored", r.finishedNotStored());
    runs(md, "Finished without a verdict", r.storedWithoutVerdict());
    runs(md, "Finished but not in the shopfloor ledger", r.notSubmitted());
    runs(md, "Rejected by the shopfloor", r.rejected());
    runs(md, "Dead shopfloor submissions", r.dead());
    if (!r.seqGaps().isEmpty()) {
      md.append("## Sequence gaps\n\n| station | agent session | seqs | cause |\n|---|---|---|---|\n");
      r.seqGaps().forEach(g -> md.append("| ").append(g.stationId()).append(" | ").append(g.agentSession())
          .append(" | ").append(g.fromSeq()).append("..").append(g.toSeq()).append(" | ").append(g.cause())
          .append(" |\n"));
      md.append('\n');
    }
    if (r.deadLetterCount() > 0) {
      md.append("## Dead letters\n\n| reason | count |\n|---|---|\n");
      r.deadLetters().forEach((reason, n) -> row(md, reason, n));
      md.append("\n| reason | MQTT topic | detail | component | partition/offset |\n|---|---|---|---|---|\n");
      r.deadLetterSamples().forEach(d -> md.append("| ").append(d.reason()).append(" | ").append(cell(d.mqttTopic()))
          .append(" | ").append(cell(d.detail())).append(" | ").append(cell(d.component())).append(" | ")
          .append(d.partition()).append('/').append(d.offset()).append(" |\n"));
      md.append('\n');
    }
    md.append("Audited at ").append(r.auditedAt()).append(".\n");
    return md.toString();
  }

  private static void row(StringBuilder md, String name, long n) {
    md.append("| ").append(name).append(" | ").append(n).append(" |\n");
  }

  private static void runs(StringBuilder md, String title, List<Run> runs) {
    if (runs.isEmpty()) {
      return;
    }
    md.append("## ").append(title).append("\n\n| run | serial | station | outcome | verdict | code | message |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Run run : runs) {
      md.append("| ").append(run.runId()).append(" | ").append(cell(run.serialNumber())).append(" | ")
          .append(cell(run.stationId())).append(" | ").append(cell(run.outcome())).append(" | ")
          .append(cell(run.verdict())).append(" | ").append(cell(run.verdictCode())).append(" | ")
          .append(cell(run.verdictMessage())).append(" |\n");
    }
    md.append('\n');
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
