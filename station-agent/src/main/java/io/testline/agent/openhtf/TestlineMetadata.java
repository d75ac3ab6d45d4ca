package io.testline.agent.openhtf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.testline.schemas.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * What testline's own OpenHTF export keeps under {@code metadata.testline} that the importer reads back, so a run
 * survives export and import unchanged: {@code program_hash} (OpenHTF's {@code code_info.sourcecode} is empty in an
 * export) and {@code step_paths}, the paths {@code subtest_name} cannot say (one that does not end in the step's
 * name, e.g. {@code Power/Rails} for step {@code 3V3 rail}). A record from OpenHTF itself has neither; a
 * {@code metadata.testline} that is not an object is left alone, as any other metadata the importer does not read.
 */
final class TestlineMetadata {
  static final int MAX_HASH = 256;
  static final int MAX_PATH = 1024;
  private static final String WHERE = "metadata.testline.";

  private final JsonNode testline;

  /** {@code metadata.testline} when it is an object; anything else under that key is the station's, not ours. */
  TestlineMetadata(JsonNode metadata) {
    JsonNode t = metadata.get("testline");
    this.testline = t != null && t.isObject() ? t : JsonNodeFactory.instance.objectNode();
  }

  /** The exported run's program hash; null when the record has none. */
  String programHash() {
    String hash = Fields.text(testline, "program_hash", WHERE);
    if (hash != null && hash.length() > MAX_HASH) {
      throw new IllegalArgumentException(WHERE + "program_hash: longer than " + MAX_HASH + " characters");
    }
    return hash == null || hash.isEmpty() ? null : hash;
  }

  /** The steps with the paths {@code step_paths} gives them by phase; a phase it names must exist. */
  List<Step> withPaths(List<Step> steps) {
    JsonNode paths = Fields.array(testline, "step_paths", WHERE);
    List<Step> out = new ArrayList<>(steps);
    for (int i = 0; i < paths.size(); i++) {
      String where = WHERE + "step_paths[" + i + "]";
      JsonNode entry = paths.get(i);
      if (!entry.isObject()) {
        throw Fields.wrong(where, "JSON object", entry);
      }
      JsonNode phase = entry.get("phase");
      if (phase == null || !phase.canConvertToInt() || !phase.isIntegralNumber() || phase.asInt() < 0
          || phase.asInt() >= steps.size()) {
        throw new IllegalArgumentException(where + ".phase: expected the index of one of the " + steps.size()
            + " phases, was " + Fields.limit(String.valueOf(phase), 40));
      }
      String path = Fields.requiredText(entry, "path", where + ".");
      if (path.length() > MAX_PATH) {
        throw new IllegalArgumentException(where + ".path: longer than " + MAX_PATH + " characters");
      }
      Step s = out.get(phase.asInt());
      out.set(phase.asInt(), new Step(s.name(), path, s.index(), s.startedAt(), s.endedAt(), s.outcome(),
          s.measurements(), s.errorCode(), s.errorMessage(), s.attachments()));
    }
    return out;
  }
}
