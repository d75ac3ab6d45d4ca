package io.testline.bridge.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics from {@link TopicSpec}s. Idempotent: a topic that exists is reported and left as it is (changing
 * a live topic's partitions or retention is an operator's decision, not a start-up side effect).
 */
public final class TopicAdmin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  /** What happened to one topic. */
  public enum Outcome { CREATED, EXISTS }

  /** The outcome per topic name. */
  public record Result(String topic, Outcome outcome) {}

  private final Admin admin;

  public TopicAdmin(Map<String, Object> adminProps) {
    this.admin = Admin.create(adminProps);
  }

  public List<Result> create(List<TopicSpec> specs) throws InterruptedException, TimeoutException {
    List<NewTopic> topics = specs.stream()
        .map(s -> new NewTopic(s.name(), Optional.of(s.partitions()), Optional.of(s.replicationFactor()))
            .configs(s.configs()))
        .toList();
    Map<String, KafkaFuture<Void>> futures = admin.createTopics(topics).values();
    List<Result> results = new ArrayList<>();
    for (TopicSpec spec : specs) {
      try {
        futures.get(spec.name()).get(60, TimeUnit.SECONDS);
        log.info("topic {} created: {} partitions, replication {}, {}", spec.name(), spec.partitions(),
            spec.replicationFactor(), spec.configs());
        results.add(new Result(spec.name(), Outcome.CREATED));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          log.info("topic {} exists; left unchanged", spec.name());
          results.add(new Result(spec.name(), Outcome.EXISTS));
        } else {
          throw new IllegalStateException("cannot create topic " + spec.name() + ": " + e.getCause(), e.getCause());
        }
      }
    }
    awaitWritable(specs);
    return results;
  }

  /**
   * Returns once every partition of {@code specs} answers at its leader. Right after creation a partition can be
   * in the metadata before its leader serves it; an idempotent producer writing at once could then have its first
   * batch refused while a later one is accepted, and the broker refuses the retried first batch forever
   * (OutOfOrderSequenceException; seen in KafkaOutageIT). A list-offsets request is served by the same leader.
   */
  private void awaitWritable(List<TopicSpec> specs) throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (TopicSpec spec : specs) {
      for (int p = 0; p < spec.partitions(); p++) {
        partitions.put(new TopicPartition(spec.name(), p), OffsetSpec.latest());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("topics not writable within 60 s: " + e.getCause());
        }
        log.debug("topics not writable yet: {}", e.getCause().toString());
        Thread.sleep(100);
      }
    }
  }

  /** How many brokers the cluster has now. */
  public int brokerCount() throws InterruptedException, TimeoutException {
    try {
      return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the Kafka cluster: " + e.getCause(), e.getCause());
    }
  }

  /**
   * The replication the existing topics of {@code specs} have now (topics that do not exist are left out).
   */
  public Map<String, ReplicationCheck.Actual> replication(List<TopicSpec> specs)
      throws InterruptedException, TimeoutException {
    try {
      Set<String> existing = new HashSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
      List<String> names = specs.stream().map(TopicSpec::name).filter(existing::contains).toList();
      if (names.isEmpty()) {
        return Map.of();
      }
      Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
          .get(30, TimeUnit.SECONDS);
      List<ConfigResource> resources = names.stream()
          .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      Map<String, ReplicationCheck.Actual> actual = new HashMap<>();
      for (String name : names) {
        int replicas = descriptions.get(name).partitions().stream().mapToInt(p -> p.replicas().size()).min()
            .orElse(0);
        ConfigEntry minIsr = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
            .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        actual.put(name, new ReplicationCheck.Actual(replicas,
            minIsr == null || minIsr.value() == null ? 1 : Integer.parseInt(minIsr.value())));
      }
      return actual;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe topics: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Refuses existing topics with less replication than {@code specs} require, unless {@code accepted}; then logs
   * each shortfall as a warning.
   *
   * @throws io.testline.config.ConfigException naming the key a topic falls short of
   */
  public void requireReplication(List<TopicSpec> specs, boolean accepted)
      throws InterruptedException, TimeoutException {
    List<String> shortfalls = ReplicationCheck.shortfalls(specs, replication(specs));
    ReplicationCheck.require(shortfalls, accepted);
    shortfalls.forEach(s -> log.warn("under-replicated topic accepted (topics.acceptUnderReplicated): {}", s));
  }

  @Override
  public void close() {
    admin.close();
  }
}
