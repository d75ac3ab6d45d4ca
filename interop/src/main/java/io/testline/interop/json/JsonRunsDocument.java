package io.testline.interop.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A JSON document of runs: one run's document as the root, or a JSON array of them. Jackson escapes every control
 * character; the UTF-8 writer underneath replaces what has no UTF-8 form (a lone surrogate), so any text yields
 * valid JSON. Subclasses map one run to its document.
 */
public abstract class JsonRunsDocument implements RunsWriter {
  /** Jackson for the export formats: ISO-8601 times, nulls kept (formats name their empty fields). */
  protected static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
      .build();

  private final Writer writer;
  private final JsonGenerator json;
  private final boolean several;
  private int written;

  /** @param several a JSON array of any number of runs; else exactly one run's document */
  protected JsonRunsDocument(OutputStream out, boolean several) throws IOException {
    this.writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    this.json = MAPPER.createGenerator(writer).useDefaultPrettyPrinter();
    this.several = several;
    if (several) {
      json.writeStartArray();
    }
  }

  /** The run's document. */
  protected abstract JsonNode document(RunRecord run);

  @Override
  public final void write(RunRecord run) throws IOException {
    if (!several && written > 0) {
      throw new IllegalStateException("this document holds one run; open it with several = true");
    }
    MAPPER.writeTree(json, document(run));
    written++;
  }

  @Override
  public final void close() throws IOException {
    if (!several && written == 0) {
      throw new IllegalStateException("no run was written to a one-run document");
    }
    if (several) {
      json.writeEndArray();
    }
    json.writeRaw('\n');
    json.close();
    writer.flush();
  }
}
