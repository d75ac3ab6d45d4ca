package io.testline.interop.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.interop.model.RunRecord;
import java.io.IOException;
import java.io.OutputStream;

/**
 * testline's own JSON: the run as stored, field for field ({@link RunRecord}: description, outcome, steps with
 * measurements and attachments, verdict, the log's first lines and its total line count), with {@code "format":
 * "testline.run/1"} to tell it from the other exports.
 */
public final class TestlineJsonWriter extends JsonRunsDocument {
  public static final String FORMAT = "testline.run/1";

  public TestlineJsonWriter(OutputStream out, boolean several) throws IOException {
    super(out, several);
  }

  @Override
  protected JsonNode document(RunRecord run) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("format", FORMAT);
    node.setAll((ObjectNode) MAPPER.valueToTree(run));
    node.put("logTruncated", run.logTruncated());
    return node;
  }
}
