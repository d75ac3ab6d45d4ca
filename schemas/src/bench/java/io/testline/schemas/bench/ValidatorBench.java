package io.testline.schemas.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageValidator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes in, "valid?" out, for each candidate validator on testline's real schemas and payloads. Before measuring,
 * every candidate must accept the payload and refuse two broken copies of it (a string seq, an impossible
 * occurredAt), so none wins by checking less.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ValidatorBench {
  @Param({"run.started", "run.step", "run.log100", "run.finished"})
  public String payload;

  private byte[] bytes;
  private MessageValidator messageValidator;
  private final Map<String, Predicate<byte[]>> candidates = new LinkedHashMap<>();

  @Setup
  public void setUp() throws Exception {
    bytes = Payloads.of(payload);
    String schemaFile = payload.replace("100", "") + "-1";
    messageValidator = new MessageValidator();
    candidates.put("networkntAsConfigured", Candidates.networkntAsConfigured(schemaFile));
    candidates.put("networkntLean", Candidates.networkntLean(schemaFile));
    candidates.put("harrel", Candidates.harrel(schemaFile));
    candidates.put("sKema", Candidates.sKema(schemaFile));
    candidates.put("vertx", Candidates.vertx(schemaFile));
    candidates.put("messageValidator", b -> messageValidator.validate(b).isValid());
    byte[] stringSeq = broken(doc -> doc.put("seq", "5"));
    byte[] badDate = broken(doc -> doc.put("occurredAt", "2026-13-45T25:61:00Z"));
    for (var candidate : candidates.entrySet()) {
      Predicate<byte[]> valid = candidate.getValue();
      if (!valid.test(bytes) || valid.test(stringSeq) || valid.test(badDate)) {
        throw new IllegalStateException(candidate.getKey() + " on " + payload + ": valid " + valid.test(bytes)
            + ", string seq accepted " + valid.test(stringSeq) + ", impossible date accepted " + valid.test(badDate));
      }
    }
  }

  private byte[] broken(java.util.function.Consumer<ObjectNode> change) throws Exception {
    ObjectNode doc = (ObjectNode) EventJson.mapper().readTree(bytes);
    change.accept(doc);
    return EventJson.mapper().writeValueAsBytes(doc);
  }

  /** The floor of the Jackson-based candidates: the parse alone. */
  @Benchmark
  public Object jacksonTreeOnly() {
    return Candidates.tree(bytes);
  }

  @Benchmark
  public boolean networkntAsConfigured() {
    return candidates.get("networkntAsConfigured").test(bytes);
  }

  @Benchmark
  public boolean networkntLean() {
    return candidates.get("networkntLean").test(bytes);
  }

  @Benchmark
  public boolean harrel() {
    return candidates.get("harrel").test(bytes);
  }

  @Benchmark
  public boolean sKema() {
    return candidates.get("sKema").test(bytes);
  }

  @Benchmark
  public boolean vertx() {
    return candidates.get("vertx").test(bytes);
  }

  /** The module's MessageValidator end to end (size, parse, type lookup, schema, station), as the bridge calls it. */
  @Benchmark
  public boolean messageValidator() {
    return messageValidator.validate(bytes, "FCT-L1-03").isValid();
  }
}
