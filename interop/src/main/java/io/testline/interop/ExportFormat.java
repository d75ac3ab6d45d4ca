package io.testline.interop;

import io.testline.interop.cfx.CfxUnitsTestedWriter;
import io.testline.interop.json.TestlineJsonWriter;
import io.testline.interop.junit.JunitXmlWriter;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.openhtf.OpenHtfJsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The formats a stored run is exported to, each one mapping shared by the CLI ({@code testline export}), the query
 * API ({@code GET /api/runs/{id}/export?format=}) and the web (the run page's download links).
 */
public enum ExportFormat {
  /** OpenHTF's JSON test record, as its {@code json_factory} output callback writes it. */
  OPENHTF("openhtf", "application/json", "openhtf.json"),
  /** JUnit XML, as CI servers read it. */
  JUNIT("junit", "application/xml", "junit.xml"),
  /** IPC-CFX {@code CFX.Production.TestAndInspection.UnitsTested} in its envelope. */
  CFX("cfx", "application/json", "cfx.json"),
  /** testline's own JSON of the stored run. */
  JSON("json", "application/json", "json");

  private final String id;
  private final String mediaType;
  private final String extension;

  ExportFormat(String id, String mediaType, String extension) {
    this.id = id;
    this.mediaType = mediaType;
    this.extension = extension;
  }

  /** The name users type: {@code openhtf}, {@code junit}, {@code cfx}, {@code json}. */
  public String id() {
    return id;
  }

  /** The media type, without parameters: {@code application/json}, {@code application/xml}. */
  public String mediaType() {
    return mediaType;
  }

  /** The HTTP content type, with its charset. */
  public String contentType() {
    return mediaType + "; charset=utf-8";
  }

  /** The file name ending, without the dot: {@code junit.xml}, {@code cfx.json}, ... */
  public String extension() {
    return extension;
  }

  /** The file name of one run's export: {@code <serial>_<runId>.<extension>}, the serial made file-safe. */
  public String fileName(String serial, java.util.UUID runId) {
    String safe = serial.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.length() > 64) {
      safe = safe.substring(0, 64);
    }
    return safe + "_" + runId + "." + extension;
  }

  /**
   * A writer of this format on {@code out}.
   *
   * @param several a document for any number of runs (JUnit {@code testsuites}, a JSON array); else exactly one
   */
  public RunsWriter writer(OutputStream out, boolean several) throws IOException {
    return switch (this) {
      case OPENHTF -> new OpenHtfJsonWriter(out, several);
      case JUNIT -> new JunitXmlWriter(out, several);
      case CFX -> new CfxUnitsTestedWriter(out, several);
      case JSON -> new TestlineJsonWriter(out, several);
    };
  }

  /**
   * The format named {@code id} in any ASCII case ({@code JUnit}; not {@code jſon}, which Java's
   * {@code equalsIgnoreCase} would take for {@code json}); the error names the formats there are.
   */
  public static ExportFormat of(String id) {
    String lower = id == null ? "" : id.toLowerCase(Locale.ROOT);
    for (ExportFormat f : values()) {
      if (f.id.equals(lower)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown export format \"" + id + "\"; use one of " + names());
  }

  /** {@code openhtf, junit, cfx, json}. */
  public static String names() {
    return Arrays.stream(values()).map(ExportFormat::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }
}
