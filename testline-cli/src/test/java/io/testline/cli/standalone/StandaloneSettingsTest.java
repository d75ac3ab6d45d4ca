package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StandaloneSettingsTest {

  @Test
  void runs_one_kafka_broker_unless_told_to_run_a_cluster() {
    StandaloneSettings settings = StandaloneSettings.onFreePorts(Path.of("data"));
    assertThat(settings.kafkaNodes()).isEqualTo(1);
    assertThat(settings.withKafkaNodes(3).kafkaNodes()).isEqualTo(3);
    assertThat(settings.withKafkaNodes(3).dataDir()).isEqualTo(Path.of("data"));
  }

  @Test
  void refuses_a_kafka_cluster_of_no_node_or_more_than_nine() {
    StandaloneSettings settings = StandaloneSettings.onFreePorts(Path.of("data"));
    assertThatThrownBy(() -> settings.withKafkaNodes(0)).hasMessage("kafkaNodes: 0 is not in 1..9");
    assertThatThrownBy(() -> settings.withKafkaNodes(10)).hasMessage("kafkaNodes: 10 is not in 1..9");
  }
}
