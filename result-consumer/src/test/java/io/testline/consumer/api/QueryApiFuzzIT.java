package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.testline.access.AccessConfig;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.api.ApiClient.Reply;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every parameter of every endpoint of the real query API (Javalin on Jetty, PostgreSQL underneath) fed hostile
 * input over real HTTP: extreme and impossible times, bad numbers, malformed percent-encodings, NUL and other control
 * characters, overlong UTF-8, forged cursors, repeated and unknown parameters, SQL metacharacters. The API must never
 * answer 5xx, must answer invalid input with a 400 JSON error naming the parameter, and must never answer a
 * malformed filter with the unfiltered list.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiFuzzIT {
  private static final String FROM = "2026-11-21T00:00:00Z";
  private static final String TO = "2026-11-23T00:00:00Z";
  private static final String SHARED_KEY = "fuzz-test-cursor-key-0123456789-abcdef";
  private static final String ANY_FIELD = "(any)";
  private static final java.util.Set<String> REFUSED_BY_PARSER = java.util.Set.of("%zz", "%00");
  /** With a query string after it, Jetty also refuses a path that does not decode as UTF-8 before any route runs. */
  private static final java.util.Set<String> REFUSED_BY_PARSER_WITH_QUERY = java.util.Set.of("%C0%80", "%FF");
  private static final Pattern WHOLE = Pattern.compile("-?[0-9]+");

  private final ObjectMapper json = new ObjectMapper();
  private HikariDataSource dataSource;
  private final List<QueryApi> apis = new ArrayList<>();
  private ApiClient client;
  private List<Run> runs;
  private Run run;
  private String cursor;

  enum Kind { TEXT, TIME, INT, ENUM, CURSOR }

  /** A parameter, a valid value of it, and for numbers their range, for enums the valid spellings. */
  record Param(String name, Kind kind, String valid, long min, long max, List<String> alsoValid) {
    static Param text(String name, String valid) {
      return new Param(name, Kind.TEXT, valid, 0, 0, List.of());
    }

    static Param time(String name, String valid) {
      return new Param(name, Kind.TIME, valid, 0, 0, List.of());
    }

    static Param integer(String name, String valid, long min, long max) {
      return new Param(name, Kind.INT, valid, min, max, List.of());
    }

    static Param oneOf(String name, String valid, String... alsoValid) {
      return new Param(name, Kind.ENUM, valid, 0, 0, List.of(alsoValid));
    }
  }

  /** An endpoint, the parameters a valid request needs, and every parameter it takes. */
  record Endpoint(String path, Map<String, String> required, List<Param> params) {}

  @BeforeAll
  void seed_and_start(Database db) throws Exception {
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 4, Duration.ofSeconds(5));
    StoreDataSource.migrate(dataSource);
    // 35 runs at 10 stations, 2 programs, 5 failures, 5 retests: each filter keeps a strict subset
    runs = RunFixture.runs(30, 5);
    List<Event<?>> events = new ArrayList<>(RunFixture.stationEvents());
    for (Run r : runs) {
      events.addAll(r.events());
      events.addAll(r.logs());
      events.add(r.verdict());
    }
    List<StoredEvent> stored = new ArrayList<>();
    for (Event<?> e : events) {
      stored.add(new StoredEvent(e, "t", 0, stored.size()));
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      new EventWriter().write(c, stored);
      c.commit();
    }
    QueryApi api = new QueryApi(dataSource, AccessConfig.none(), null, SHARED_KEY)
        .start("127.0.0.1", 0);
    apis.add(api);
    client = new ApiClient(api.port());
    run = runs.get(0);
    cursor = body(ok("/api/runs?limit=3")).path("nextCursor").asText();
    assertThat(cursor).isNotBlank();
  }

  @AfterAll
  void stop() {
    apis.forEach(QueryApi::close);
    if (dataSource != null) {
      dataSource.close();
    }
  }

  private List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("/api/runs", Map.of(), List.of(
            Param.text("serial", "SN00007"), Param.text("station", "ST-3"),
            Param.oneOf("outcome", "FAIL", "pass", "Fail", "CRASHED", "timeout"),
            Param.text("program", "prog-1"), Param.text("crashSite", "psu.py%3A4%20in%20read_rail"),
            Param.time("from", "2026-11-22T00:00:20Z"),
            Param.time("to", "2026-11-22T00:00:20Z"), Param.integer("limit", "7", 1, 1000),
            new Param("cursor", Kind.CURSOR, cursor, 0, 0, List.of()))),
        new Endpoint("/api/runs/" + run.runId(), Map.of(), List.of()),
        new Endpoint("/api/runs/" + run.runId() + "/log", Map.of(), List.of(
            Param.oneOf("stream", "stdout", "merged", "STDERR", "Agent"),
            Param.integer("offset", "1", 0, Long.MAX_VALUE), Param.integer("limit", "1", 1, 100_000))),
        new Endpoint("/api/runs/" + run.runId() + "/export", Map.of("format", "junit"), List.of(
            Param.oneOf("format", "junit", "JSON", "Cfx", "openHTF"))),
        new Endpoint("/api/stations", Map.of(), List.of()),
        new Endpoint("/api/yield", Map.of("from", FROM, "to", TO), List.of(
            Param.time("from", "2026-11-22T00:00:20Z"), Param.time("to", "2026-11-22T00:00:20Z"),
            Param.text("station", "ST-3"), Param.text("program", "prog-1"), Param.integer("top", "3", 1, 100))),
        new Endpoint("/api/crashes", Map.of("from", FROM, "to", TO), List.of(
            Param.time("from", "2026-11-22T00:00:20Z"), Param.time("to", "2026-11-22T00:00:20Z"),
            Param.text("station", "ST-3"), Param.text("program", "prog-1"), Param.integer("top", "3", 1, 100))));
  }

  /** Raw (as sent: percent-encoded or not) values that no parameter accepts. */
  private static final List<String> INVALID_EVERYWHERE = List.of(
      "", "%zz", "%", "%4", "%g0", "abc%", "%%41", "a%00b", "%00", "%C0%80", "%C0%AE", "%ED%A0%80", "%ED%BF%BF",
      "%FF", "%C3", "%E2%82", "%F8%88%80%80%80", "%0A", "%0D%0A", "%09", "%1B%5B31m", "%7F", "%C2%85", "%C2%9F",
      "x".repeat(257), "y".repeat(5000), "%C3%BC".repeat(257));

  private static final List<String> INVALID_TIMES = List.of(
      "%2B294276-12-31T23:59:59Z", "-294276-01-01T00:00:00Z", "%2B294277-01-01T00:00:00Z", "-4713-11-24T00:00:00Z",
      "-4714-11-24T00:00:00Z", "0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999999Z", "10000-01-01T00:00:00Z",
      "%2B10000-01-01T00:00:00Z", "%2B1000000000-12-31T23:59:59.999999999Z", "-1000000000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999991Z", "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00%2B01:00", "-1", "0",
      "-86400", "1700000000", "NaN", "Infinity", "infinity", "-infinity", "now", "today", "epoch", "allballs",
      "yesterday", "8h", "-8h", "P1D", "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T23:59:60Z",
      "2026-11-22T06:00:00%2B99:00", "2026-11-22T06:00:00%2B18:01", "2026-11-22", "2026-11-22T06:00:00",
      "2026-11-22T06:00:00+01:00", "2026-11-22%2006:00:00Z", "2026-11-22T06:00:00.Z", "2026-11-22T06:00:00.1234567890Z",
      "%EF%BC%92026-11-22T06:00:00Z", "%D9%A2026-11-22T06:00:00Z", "2026-11-22T06:00:00Z%20", "%202026-11-22T06:00:00Z",
      "2026-11-22T06:00:00Z'", "2026-11-22T06:00:00Z%27%3B--");

  private static final List<String> VALID_TIMES = List.of(
      "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
      "2026-11-22T06:00:00.123456789Z", "2026-11-22T07:00:00%2B01:00", "2026-11-22T05:00:00-01:00",
      "2026-11-22t06:00:00z", "2026-11-22T06:00:00-00:00", "9999-12-31T23:59:59.999999000Z");

  private static final List<String> NUMBERS = List.of(
      "0", "-0", "-1", "1", "100", "101", "1000", "1001", "100000", "100001", "2147483647", "2147483648",
      "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
      "99999999999999999999999999999999", "00007", "1e3", "0x10", "1.5", "1,000", "%2B5", "%205", "5%20", "+5",
      "%EF%BC%95", "%D9%A5", "NaN", "Infinity", "-Infinity", "null", "true", "5%27%20or%201=1");

  private static final List<String> BAD_ENUMS = List.of(
      "FOO", "PASSED", "pass%20", "%20pass", "PASS,FAIL", "pa%C5%BFs", "PA%C3%9F", "*", "%25", "%27PASS%27",
      "STDOUT%00", "merged%0A", "0", "-1", "null");

  /** Filter values that are valid but match no seeded run: the filter must be applied, not dropped. */
  private static final List<String> ODD_TEXT = List.of(
      "%27%20or%20%271%27=%271", "%27%3B%20drop%20table%20runs%3B--", "%5C", "%25", "_", "*", "SN%25", "SN_____",
      "%C3%BC%E2%9C%93", "%F0%9F%98%80", "%EF%BF%BD", "%E2%80%AE", "%E2%80%8B", "x".repeat(256), "+", "a+b",
      "%2B", "%3D", "%26", "%3Cscript%3E", "%24%7Bjndi%3Aldap%7D", "ST-3%27--", "%5Cx00", "nul");

  private List<String> cursors() {
    byte[] valid = Base64.getUrlDecoder().decode(cursor);
    List<String> out = new ArrayList<>();
    String enc = null;
    // the cursor format before signing: "<startedAt>|<runId>", forgeable with any time
    for (String raw : List.of("+294277-01-01T00:00:00Z|" + run.runId(), "-294277-01-01T00:00:00Z|" + run.runId(),
        "2026-11-22T00:00:20Z|" + run.runId(), "+1000000000-12-31T23:59:59.999999999Z|" + run.runId(),
        "2026-11-22T00:00:20Z|not-a-uuid", "2026-11-22T00:00:20Z", "|", "")) {
      enc = Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
      if (!enc.isEmpty()) {
        out.add(enc);
      }
    }
    out.add(cursor.substring(0, cursor.length() - 1));
    out.add(cursor.substring(0, cursor.length() - 4));
    out.add(cursor.substring(0, cursor.length() / 2));
    out.add(cursor + "A");
    out.add(cursor + "AAAA");
    out.add(cursor + "=");
    out.add(cursor + "%3D%3D");
    out.add(cursor.replace('-', '+').replace('_', '/'));
    for (int i = 0; i < valid.length; i += 3) {
      byte[] flipped = valid.clone();
      flipped[i] ^= (byte) (1 << (i % 8));
      out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(flipped));
    }
    // the last character of an unpadded base64 string carries unused bits: a different spelling of the same bytes
    char last = cursor.charAt(cursor.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    out.add(cursor.substring(0, cursor.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1));
    // well-formed, right length, wrong key
    ByteBuffer forged = ByteBuffer.wrap(valid.clone());
    forged.position(1);
    forged.putLong(253_402_300_800L); // year 10000
    out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(forged.array()));
    out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[valid.length]));
    out.addAll(List.of("null", "bm9wZQ", "AAAA", "____", "%2F%2F%2F%2F", "eyJhbGciOiJub25lIn0", "0"));
    return out;
  }

  @Test
  void no_parameter_of_any_endpoint_gets_a_5xx_and_every_invalid_one_is_a_400_naming_it() {
    SoftAssertions soft = new SoftAssertions();
    int requests = 0;
    for (Endpoint e : endpoints()) {
      for (Param p : e.params()) {
        Map<String, Boolean> cases = new LinkedHashMap<>();
        INVALID_EVERYWHERE.forEach(v -> cases.put(v, false));
        cases.put(p.valid(), true);
        switch (p.kind()) {
          case TEXT -> ODD_TEXT.forEach(v -> cases.put(v, true));
          case TIME -> {
            INVALID_TIMES.forEach(v -> cases.put(v, false));
            VALID_TIMES.forEach(v -> cases.put(v, true));
            ODD_TEXT.forEach(v -> cases.put(v, false));
          }
          case INT -> {
            NUMBERS.forEach(v -> cases.put(v, inRange(v, p.min(), p.max())));
            ODD_TEXT.forEach(v -> cases.put(v, false));
          }
          case ENUM -> {
            BAD_ENUMS.forEach(v -> cases.put(v, false));
            p.alsoValid().forEach(v -> cases.put(v, true));
            ODD_TEXT.forEach(v -> cases.put(v, false));
          }
          case CURSOR -> {
            cursors().forEach(v -> cases.put(v, false));
            ODD_TEXT.forEach(v -> cases.put(v, false));
          }
        }
        for (Map.Entry<String, Boolean> c : cases.entrySet()) {
          Reply r = client.get(target(e, p.name(), c.getKey()));
          requests++;
          if (c.getValue()) {
            expectAccepted(soft, r, p.kind() == Kind.TIME);
          } else {
            expectRefused(soft, r, p.name());
          }
        }
        // a parameter given twice, equal or not, and once valid once malformed
        expectRefused(soft, client.get(target(e, p.name(), p.valid()) + "&" + p.name() + "=" + p.valid()), p.name());
        expectRefused(soft, client.get(target(e, p.name(), p.valid()) + "&" + p.name() + "=%zz"), p.name());
        expectRefused(soft, client.get(target(e, p.name(), "%zz") + "&" + p.name() + "=" + p.valid()), p.name());
        requests += 3;
      }
      // names the endpoint does not take, as typed by a client with a typo or a bad encoder
      for (String name : List.of("bogus", "Serial", "LIMIT", "serial%00", "%zz", "%C0%80", "serial[]", "serial%20",
          "_", "%F0%9F%98%80")) {
        Reply r = client.get(withParams(e.path(), e.required()) + (e.required().isEmpty() ? "?" : "&") + name + "=1");
        requests++;
        expectRefused(soft, r, ANY_FIELD);
      }
      expectAccepted(soft, client.get(withParams(e.path(), e.required())), false);
      expectAccepted(soft, client.get(withParams(e.path(), e.required()) + (e.required().isEmpty() ? "?" : "&")),
          false);
      requests += 2;
    }
    System.out.printf("query API fuzz: %d requests%n", requests);
    soft.assertAll();
  }

  @Test
  void a_path_id_that_is_not_a_uuid_is_a_400_naming_it_and_a_valid_unknown_one_a_404() {
    SoftAssertions soft = new SoftAssertions();
    for (String suffix : List.of("", "/log", "/export?format=json")) {
      for (String id : List.of("not-a-uuid", "1-1-1-1-1", "%zz", "%00", "%C0%80", "%FF", "%0A", "%20" + run.runId(),
          run.runId() + "%20", "%7B" + run.runId() + "%7D", run.runId() + "0", run.runId().toString().substring(1),
          "%E2%80%8B" + run.runId(), "%27%20or%201=1--", "x".repeat(300), "NaN", "-1", "%25")) {
        Reply r = client.get("/api/runs/" + id + suffix);
        soft.assertThat(r.status()).as(r.target() + " -> " + r.body()).isEqualTo(400);
        // Jetty's HTTP parser refuses these request targets before a path exists: JSON, but no field to name
        boolean refusedByParser = REFUSED_BY_PARSER.contains(id)
            || suffix.contains("?") && REFUSED_BY_PARSER_WITH_QUERY.contains(id);
        expectJsonError(soft, r, refusedByParser ? null : "runId");
      }
      Reply unknown = client.get("/api/runs/" + new UUID(0, 0) + suffix);
      soft.assertThat(unknown.status()).as(unknown.target()).isEqualTo(404);
      expectJsonError(soft, unknown, null);
      soft.assertThat(client.get("/api/runs/" + run.runId().toString().toUpperCase(Locale.ROOT) + suffix).status())
          .as("upper-case UUID").isEqualTo(200);
    }
    soft.assertAll();
  }

  @Test
  void a_malformed_value_of_any_filter_never_returns_the_unfiltered_list() throws Exception {
    JsonNode all = body(ok("/api/runs?limit=1000")).path("runs");
    assertThat(all).hasSize(runs.size());
    JsonNode allYield = body(ok("/api/yield?from=" + FROM + "&to=" + TO)).path("groups");
    List<String> malformed = new ArrayList<>(INVALID_EVERYWHERE);
    malformed.addAll(List.of("%zz%zz", "SN00007%zz", "%zzSN00007", "SN%2500007%", "%00SN00007", "SN00007%00"));
    SoftAssertions soft = new SoftAssertions();
    for (Endpoint e : endpoints()) {
      boolean isRuns = e.path().equals("/api/runs");
      if (!isRuns && !e.path().equals("/api/yield")) {
        continue;
      }
      JsonNode unfiltered = isRuns ? all : allYield;
      for (Param p : e.params()) {
        if (p.kind() == Kind.INT) {
          continue; // limit and top are not filters
        }
        // the seed is such that this filter, applied, changes the answer
        JsonNode filtered = body(ok(target(e, p.name(), p.valid()) + (isRuns ? "&limit=1000" : "")));
        soft.assertThat(filtered.path(isRuns ? "runs" : "groups")).as(p.name() + "=" + p.valid())
            .isNotEqualTo(unfiltered);
        List<String> values = new ArrayList<>(malformed);
        switch (p.kind()) {
          case TIME -> values.addAll(INVALID_TIMES);
          case ENUM -> values.addAll(BAD_ENUMS);
          case CURSOR -> values.addAll(cursors());
          default -> { }
        }
        values.add(p.valid() + "&" + p.name() + "=%zz");
        values.add("%zz&" + p.name() + "=" + p.valid());
        for (String v : values) {
          Reply r = client.get(target(e, p.name(), v) + (isRuns ? "&limit=1000" : ""));
          if (r.status() == 200) {
            soft.assertThat(body(r).path(isRuns ? "runs" : "groups")).as(r.target() + " dropped its filter")
                .isNotEqualTo(unfiltered);
          }
          soft.assertThat(r.status()).as(r.target() + " -> " + r.body()).isEqualTo(400);
        }
        if (p.kind() == Kind.TEXT) {
          for (String v : ODD_TEXT) {
            Reply r = client.get(target(e, p.name(), v));
            soft.assertThat(r.status()).as(r.target() + " -> " + r.body()).isEqualTo(200);
            if (r.status() == 200) {
              soft.assertThat(body(r).path(isRuns ? "runs" : "groups")).as(r.target()).isEmpty();
            }
          }
        }
      }
    }
    soft.assertAll();
  }

  @Test
  void cursors_page_on_every_instance_sharing_the_key_and_nowhere_else() throws Exception {
    QueryApi same = new QueryApi(dataSource, AccessConfig.none(), null, SHARED_KEY).start("127.0.0.1", 0);
    apis.add(same);
    QueryApi random = new QueryApi(dataSource)
        .start("127.0.0.1", 0);
    apis.add(random);
    ApiClient sameClient = new ApiClient(same.port());
    ApiClient randomClient = new ApiClient(random.port());

    List<String> seen = new ArrayList<>();
    String next = null;
    int page = 0;
    do {
      // alternate instances, as a load balancer would
      ApiClient c = page++ % 2 == 0 ? client : sameClient;
      Reply r = c.get("/api/runs?limit=4" + (next == null ? "" : "&cursor=" + next));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode b = body(r);
      b.path("runs").forEach(x -> seen.add(x.path("runId").asText()));
      next = b.path("nextCursor").isNull() ? null : b.path("nextCursor").asText();
    } while (next != null);
    assertThat(seen).doesNotHaveDuplicates().hasSize(runs.size());

    Reply foreign = randomClient.get("/api/runs?cursor=" + cursor);
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(body(foreign).path("field").asText()).isEqualTo("cursor");
    String own = body(ok(randomClient, "/api/runs?limit=3")).path("nextCursor").asText();
    assertThat(randomClient.get("/api/runs?limit=3&cursor=" + own).status()).isEqualTo(200);
    assertThat(client.get("/api/runs?limit=3&cursor=" + own).status()).isEqualTo(400);
  }

  @Test
  void unknown_paths_are_json_404s_and_metrics_are_not_served_on_the_api_port() {
    SoftAssertions soft = new SoftAssertions();
    for (String path : List.of("/metrics", "/health", "/api/nothing", "/api/runs/" + run.runId() + "/steps", "/api/stations/x",
        "/api/nothing?x=%zz")) {
      Reply r = client.get(path);
      soft.assertThat(r.status()).as(path).isEqualTo(404);
      expectJsonError(soft, r, null);
    }
    // what only Jetty sees: a request line longer than its buffer, raw control bytes and raw non-ASCII in it
    for (String target : List.of("/api/runs?serial=" + "z".repeat(20_000), "/api/runs?serial=a\u0000b",
        "/api/runs?serial=a\u0007b", "/api/runs?serial=a\tb", "/api/runs?serial=\u00fc")) {
      Reply r = client.raw(target);
      soft.assertThat(r.status()).as(cut(target)).isBetween(400, 499);
      expectJsonError(soft, r, r.status() == 400 && target.contains("\u00fc") ? "serial" : null);
    }
    soft.assertAll();
  }

  @Test
  void a_fault_of_ours_is_still_a_500_in_the_same_json_shape_and_logged(Database unmigrated) {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(QueryApi.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    // a database without the schema: every query fails with "relation does not exist", no input of the client's
    try (HikariDataSource broken = StoreDataSource.create(unmigrated.jdbcUrl(), unmigrated.user(),
        unmigrated.password(), 2, Duration.ofSeconds(5))) {
      QueryApi api = new QueryApi(broken).start("127.0.0.1", 0);
      apis.add(api);
      Reply r = new ApiClient(api.port()).get("/api/runs?serial=SN00007");
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.contentType()).startsWith("application/json");
      assertThat(body(r).path("error").asText()).startsWith("internal error");
      assertThat(logged.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        assertThat(e.getFormattedMessage()).contains("/api/runs");
        assertThat(e.getThrowableProxy()).isNotNull();
      });
    } finally {
      logger.detachAppender(logged);
    }
  }

  private static boolean inRange(String v, long min, long max) {
    if (!WHOLE.matcher(v).matches()) {
      return false;
    }
    BigInteger n = new BigInteger(v);
    return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
  }

  /** The endpoint's path with its required parameters, {@code name} set to the raw {@code value}. */
  private static String target(Endpoint e, String name, String value) {
    Map<String, String> params = new LinkedHashMap<>(e.required());
    params.put(name, value);
    return withParams(e.path(), params);
  }

  private static String withParams(String path, Map<String, String> params) {
    StringBuilder sb = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      sb.append(sep).append(p.getKey()).append('=').append(p.getValue());
      sep = '&';
    }
    return sb.toString();
  }

  private void expectAccepted(SoftAssertions soft, Reply r, boolean orderingMayFail) {
    if (orderingMayFail && r.status() == 400) {
      // a valid time may still be on the wrong side of the other bound: refused, naming "to", never a 5xx
      soft.assertThat(r.body()).as(r.target()).contains("to must be after from");
      expectJsonError(soft, r, "to");
      return;
    }
    soft.assertThat(r.status()).as(r.target() + " -> " + cut(r.body())).isEqualTo(200);
  }

  private void expectRefused(SoftAssertions soft, Reply r, String field) {
    soft.assertThat(r.status()).as(r.target() + " -> " + cut(r.body())).isEqualTo(400);
    expectJsonError(soft, r, field);
  }

  /**
   * Any 4xx: a JSON body {"error": "...", "field": ...}; {@code field} checked when given ({@link #ANY_FIELD}: some
   * field must be named).
   */
  private void expectJsonError(SoftAssertions soft, Reply r, String field) {
    soft.assertThat(r.status()).as(r.target() + " is no 5xx: " + cut(r.body())).isLessThan(500);
    soft.assertThat(r.contentType()).as(r.target() + " content type").startsWith("application/json");
    JsonNode b;
    try {
      b = json.readTree(r.body());
    } catch (Exception ex) {
      soft.fail(r.target() + ": body is not JSON: " + cut(r.body()));
      return;
    }
    soft.assertThat(b.path("error").asText()).as(r.target() + " error").isNotBlank();
    if (ANY_FIELD.equals(field)) {
      soft.assertThat(b.path("field").isTextual()).as(r.target() + " names a field: " + cut(r.body())).isTrue();
    } else if (field != null) {
      soft.assertThat(b.path("field").asText()).as(r.target() + " field: " + cut(r.body())).isEqualTo(field);
    }
  }

  private Reply ok(String target) {
    return ok(client, target);
  }

  private static Reply ok(ApiClient c, String target) {
    Reply r = c.get(target);
    assertThat(r.status()).as(target + " -> " + r.body()).isEqualTo(200);
    return r;
  }

  private JsonNode body(Reply r) {
    try {
      return json.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(r.target() + ": not JSON: " + cut(r.body()), e);
    }
  }

  private static String cut(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
