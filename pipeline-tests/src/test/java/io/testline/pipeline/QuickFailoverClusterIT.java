package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.bridge.config.BridgeConfig;
import io.testline.brokers.KafkaCluster;
import io.testline.brokers.junit.RequiredTools;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick version of {@link PipelineClusterIT}'s failovers: a small line (2 stations, 2 bridges, 2
 * result-consumers, 1 shopfloor-bridge) on a three-node Kafka cluster with replication factor 3 and min ISR 2 loses
 * the leader of the events topic's busiest partition and a result-consumer to kill -9 while the stations test; both
 * come back. Every bridge's longest wait for Kafka's acknowledgement stays under its stuck bound and the audit is
 * clean. 74-80 s on an otherwise idle 2-core machine (578 s at load averages of 57 to 83); it runs with
 * {@code -Pcluster} because with it the default suite took 24:54 min, at the edge of its 25-minute budget.
 */
class QuickFailoverClusterIT {
  private static final Logger log = LoggerFactory.getLogger(QuickFailoverClusterIT.class);
  private static final Duration SETTLE = Duration.ofMinutes(2);
  private static final Duration GAP_SETTLE = Duration.ofSeconds(45);
  private static final long PROGRESS_TIMEOUT = 120_000;
  /** The bridge's bound for a stuck producer: DOWN when Kafka acknowledged nothing in flight for this long. */
  private static final Duration STUCK_AFTER = BridgeConfig.DEFAULT_STUCK_AFTER;

  @TempDir
  Path tmp;

  private Pipeline pipeline;
  private LineStations stations;

  @AfterEach
  void stop() throws Exception {
    if (stations != null) {
      stations.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void kill_9_of_the_busiest_partitions_leader_and_of_a_result_consumer_loses_nothing_and_does_nothing_twice()
      throws Exception {
    RequiredTools.require("mosquitto");
    long began = System.nanoTime();
    Instant from = Instant.now().minusSeconds(1);
    pipeline = new Pipeline(tmp.resolve("pipeline"), Pipeline.Options.defaults(), new Pipeline.Topology(3, 2, 2, 1));
    KafkaCluster cluster = pipeline.kafkaCluster();
    stations = new LineStations(tmp.resolve("stations"), "SHORT-0", 2, pipeline.mqttUri(), PROGRESS_TIMEOUT);
    List<URI> bridgeMetrics = List.of(pipeline.bridgeMetrics(0), pipeline.bridgeMetrics(1));
    try (BridgeProgress progress = new BridgeProgress(bridgeMetrics)) {
      stations.progress();
      BusiestPartition busiest = BusiestPartition.of(pipeline.kafkaProps(), pipeline.topics().events());
      ServiceJvm consumer = pipeline.consumers().get(1);
      long killed = System.nanoTime();
      cluster.kill9(busiest.leader());
      consumer.kill9();
      await().atMost(STUCK_AFTER).until(() -> cluster.leaderOf(busiest.topic(), busiest.partition())
          .filter(l -> l != busiest.leader()).isPresent());
      stations.progress();
      cluster.restart(busiest.leader());
      consumer.start();
      consumer.awaitReady(120_000);
      stations.progress();
      long after = System.nanoTime();
      for (int i = 0; i < bridgeMetrics.size(); i++) {
        long ack = progress.longestAckMillis(i, killed, after);
        log.info("bridge {}: a message waited at most {} ms for Kafka's acknowledgement after the kill of {}; the"
            + " longest time it forwarded nothing (idle time included) {} ms", i + 1, ack, busiest,
            progress.longestStallMillis(i, killed, after));
        assertThat(ack).as("bridge %d's longest wait for Kafka's acknowledgement after the kill, ms", i + 1)
            .isBetween(0L, STUCK_AFTER.toMillis() - 1);
      }
    }
    int runs = LineAudit.assertLineClean(pipeline, stations.list(), from, 3, SETTLE, GAP_SETTLE);
    log.info("short cluster failover: {} runs audited clean in {} s from the line's start", runs,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
  }
}
