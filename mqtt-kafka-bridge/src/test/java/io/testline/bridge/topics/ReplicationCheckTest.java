package io.testline.bridge.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicationCheckTest {
  private static final List<TopicSpec> SPECS = List.of(
      new TopicSpec("events", 3, (short) 3, Map.of("min.insync.replicas", "2")),
      new TopicSpec("logs", 3, (short) 3, Map.of("min.insync.replicas", "2")));

  @Test
  void topics_with_the_required_replication_or_more_pass() {
    assertThat(ReplicationCheck.shortfalls(SPECS, Map.of(
        "events", new ReplicationCheck.Actual(3, 2), "logs", new ReplicationCheck.Actual(5, 3)))).isEmpty();
  }

  @Test
  void topics_that_do_not_exist_yet_are_not_shortfalls() {
    assertThat(ReplicationCheck.shortfalls(SPECS, Map.of())).isEmpty();
  }

  @Test
  void fewer_replicas_or_a_lower_min_isr_name_the_key_and_the_topic() {
    List<String> shortfalls = ReplicationCheck.shortfalls(SPECS, Map.of(
        "events", new ReplicationCheck.Actual(1, 2), "logs", new ReplicationCheck.Actual(3, 1)));
    assertThat(shortfalls).containsExactly(
        "topics.replicationFactor: topic events has 1 replica(s), fewer than the required 3",
        "topics.minInsyncReplicas: topic logs has min.insync.replicas 1, below the required 2");
    assertThatThrownBy(() -> ReplicationCheck.require(shortfalls, false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics.replicationFactor: topic events")
        .hasMessageContaining("topics.acceptUnderReplicated: true");
    assertThatCode(() -> ReplicationCheck.require(shortfalls, true)).doesNotThrowAnyException();
  }
}
