package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The strict query string rules and the parameter types, without a server. */
class QueryTest {
  private static final Set<String> RUNS = Set.of("serial", "from", "limit", "outcome");

  @Test
  void decodes_form_encoding_and_utf8() {
    Query q = Query.parse("serial=SN%2B1+a%C3%BC%E2%9C%93&&limit=5&", RUNS);
    assertThat(q.get("serial")).isEqualTo("SN+1 aü✓");
    assertThat(q.get("limit")).isEqualTo("5");
    assertThat(q.get("from")).isNull();
    assertThat(Query.parse(null, RUNS).get("serial")).isNull();
    assertThat(Query.parse("", Set.of()).get("serial")).isNull();
  }

  @Test
  void refuses_malformed_encodings_naming_the_parameter() {
    for (String bad : new String[] {"%zz", "%", "%4", "abc%", "%%41", "%g0", "%C0%80", "%ED%A0%80", "%FF", "%C3",
        "%F8%88%80%80%80", "\u00fc", "a%00b", "%0A", "%7F", "%C2%85", "%1B"}) {
      assertThatThrownBy(() -> Query.parse("limit=1&serial=" + bad, RUNS)).as(bad)
          .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo("serial"));
    }
  }

  @Test
  void refuses_unknown_repeated_empty_and_overlong_parameters() {
    assertField("bogus=1", "bogus");
    assertField("Serial=1", "Serial");
    assertField("%zz=1", "%zz");
    assertField("serial%00=1", "serial%00");
    assertField("serial=a&serial=a", "serial");
    assertField("serial=a&serial=%zz", "serial");
    assertField("serial=", "serial");
    assertField("serial", "serial");
    assertField("serial=" + "x".repeat(Query.MAX_VALUE + 1), "serial");
    assertField("serial=" + "%C3%BC".repeat(Query.MAX_VALUE + 1), "serial");
    assertThat(Query.parse("serial=" + "x".repeat(Query.MAX_VALUE), RUNS).get("serial")).hasSize(Query.MAX_VALUE);
    assertThatThrownBy(() -> Query.parse("x=1", Set.of())).hasMessageContaining("takes no parameters");
  }

  @Test
  void times_are_rfc_3339_within_what_postgresql_and_java_both_hold() {
    assertThat(time("2026-11-22T06:00:00Z")).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
    assertThat(time("2026-11-22T07:00:00+01:00")).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
    assertThat(time("2026-11-22t06:00:00z")).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
    assertThat(time("0001-01-01T00:00:00Z")).isEqualTo(Params.EARLIEST);
    assertThat(time("9999-12-31T23:59:59.999999Z")).isEqualTo(Params.LATEST);
    // rounded up to PostgreSQL's microsecond: an inclusive from and an exclusive to keep their meaning
    assertThat(time("2026-11-22T06:00:00.0000001Z")).isEqualTo(Instant.parse("2026-11-22T06:00:00.000001Z"));
    assertThat(time("2026-11-22T06:00:00.123456000Z")).isEqualTo(Instant.parse("2026-11-22T06:00:00.123456Z"));
    for (String bad : new String[] {"+294276-12-31T23:59:59Z", "-294276-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "9999-12-31T23:59:59.9999991Z",
        "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "-1", "NaN", "8h", "2026-02-30T00:00:00Z",
        "2026-11-22T24:00:00Z", "2026-11-22T06:00:00+99:00", "2026-11-22T06:00:00", "2026-11-22",
        "2026-11-22T06:00:00 01:00", "２026-11-22T06:00:00Z"}) {
      assertThatThrownBy(() -> time(bad)).as(bad)
          .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo("from"));
    }
    assertThatThrownBy(() -> time("2026-11-22T06:00:00 01:00")).hasMessageContaining("%2B");
  }

  @Test
  void numbers_are_ascii_decimal_within_range() {
    assertThat(Params.integer(query("limit", "00007"), "limit", 100, 1, 1000)).isEqualTo(7);
    assertThat(Params.integer(query("limit", "1000"), "limit", 100, 1, 1000)).isEqualTo(1000);
    assertThat(Params.longValue(query("limit", "9223372036854775807"), "limit", 0, 0, Long.MAX_VALUE))
        .isEqualTo(Long.MAX_VALUE);
    for (String bad : new String[] {"0", "-1", "1001", "2147483648", "9223372036854775808", "1e3", "0x10", "1.5",
        "５", "NaN", " 5"}) {
      assertThatThrownBy(() -> Params.integer(query("limit", bad), "limit", 100, 1, 1000)).as(bad)
          .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo("limit"));
    }
  }

  @Test
  void enums_are_ascii_letters_in_any_case() {
    Set<String> outcomes = Set.of("PASS", "FAIL");
    assertThat(Params.oneOf(query("outcome", "fail"), "outcome", outcomes)).isEqualTo("FAIL");
    // 'ſ' upper-cases to 'S' in Java: refused, not taken for PASS
    for (String bad : new String[] {"paſs", "PASSED", "pass ", "PASS,FAIL", "*"}) {
      assertThatThrownBy(() -> Params.oneOf(query("outcome", bad), "outcome", outcomes)).as(bad)
          .isInstanceOf(BadRequestException.class);
    }
  }

  private static Instant time(String v) {
    return Params.instant(query("from", v), "from", true);
  }

  private static Query query(String name, String value) {
    StringBuilder raw = new StringBuilder(name).append('=');
    for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      raw.append(String.format("%%%02X", b & 0xff));
    }
    return Query.parse(raw.toString(), Set.of(name));
  }

  private static void assertField(String raw, String field) {
    assertThatThrownBy(() -> Query.parse(raw, RUNS)).as(raw)
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
