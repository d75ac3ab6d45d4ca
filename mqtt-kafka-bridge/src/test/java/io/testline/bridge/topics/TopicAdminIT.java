package io.testline.bridge.topics;

import io.testline.schemas.TopicNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.config.ConfigSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class TopicAdminIT {

  @Test
  void creates_every_topic_with_explicit_partitions_retention_and_compaction_and_is_idempotent(KafkaBroker kafka)
      throws Exception {
    String prefix = "admin-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    BridgeConfig config = BridgeConfig.from(ConfigSource.of(Map.of("kafka.bootstrapServers",
        kafka.bootstrapServers(), "kafka.topicPrefix", prefix, "topics.partitions", "4",
        "topics.replicationFactor", "1", "topics.minInsyncReplicas", "1", "topics.retention.deadletter", "7d")));
    TopicNames names = new TopicNames(prefix);
    try (TopicAdmin admin = new TopicAdmin(KafkaClientProps.admin(config))) {
      assertThat(admin.create(TopicCatalog.of(config, 1))).extracting(TopicAdmin.Result::outcome)
          .containsOnly(TopicAdmin.Outcome.CREATED).hasSize(7);
      assertThat(admin.create(TopicCatalog.of(config, 1))).extracting(TopicAdmin.Result::outcome)
          .containsOnly(TopicAdmin.Outcome.EXISTS);
    }
    try (Admin admin = Admin.create(KafkaClientProps.admin(config))) {
      Map<String, TopicDescription> topics = admin.describeTopics(names.all()).allTopicNames().get();
      assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(4));
      ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, names.stationState());
      ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, names.events());
      ConfigResource dead = new ConfigResource(ConfigResource.Type.TOPIC, names.deadLetter());
      Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(state, events, dead)).all().get();
      assertThat(configs.get(state).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(configs.get(events).get("retention.ms").value()).isEqualTo("-1");
      assertThat(configs.get(events).get("max.message.bytes").value()).isEqualTo(Long.toString(2L * 1024 * 1024));
      assertThat(configs.get(dead).get("retention.ms").value()).isEqualTo(Long.toString(7L * 24 * 3600 * 1000));
    }
  }
}
