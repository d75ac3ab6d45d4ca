package io.testline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditScopeTest {

  @Test
  void the_whole_window_takes_every_run_gap_and_dead_letter() {
    assertThat(AuditScope.ALL.matchesRun("ST-1", "SN-1")).isTrue();
    assertThat(AuditScope.ALL.matchesStation("ST-1")).isTrue();
    assertThat(AuditScope.ALL.matchesMqttTopic(null)).isTrue();
    assertThat(new AuditScope(" ", "")).isEqualTo(AuditScope.ALL);
  }

  @Test
  void a_station_takes_its_runs_gaps_and_the_dead_letters_of_its_mqtt_topics_only() {
    AuditScope scope = new AuditScope("ST-1", null);
    assertThat(scope.matchesRun("ST-1", "SN-1")).isTrue();
    assertThat(scope.matchesRun("ST-2", "SN-1")).isFalse();
    assertThat(scope.matchesStation("ST-2")).isFalse();
    assertThat(scope.matchesMqttTopic("testline/v1/ST-1/events")).isTrue();
    assertThat(scope.matchesMqttTopic("testline/v1/ST-10/events")).isFalse();
    assertThat(scope.matchesMqttTopic(null)).isFalse();
  }

  @Test
  void a_serial_takes_its_runs_and_no_gap_or_dead_letter_since_those_name_no_serial() {
    AuditScope scope = new AuditScope(null, "SN-1");
    assertThat(scope.matchesRun("ST-9", "SN-1")).isTrue();
    assertThat(scope.matchesRun("ST-9", "SN-2")).isFalse();
    assertThat(scope.matchesStation("ST-9")).isFalse();
    assertThat(scope.matchesMqttTopic("testline/v1/ST-9/events")).isFalse();
  }
}
