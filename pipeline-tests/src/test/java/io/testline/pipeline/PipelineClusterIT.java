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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole line (real agents, mosquitto, the services each in its own JVM, the shopfloor simulator) on a real
 * three-node Kafka cluster with replication factor 3 and min ISR 2, under broker and service faults, with a steady
 * stream of runs from the stations: a rolling restart and two of three brokers down; kill -9 of the leader of the
 * events topic's busiest partition (every bridge keeps forwarding within its stuck bound); 2 bridges, 3 result-consumers
 * and 2 shopfloor-bridges losing one of each to kill -9, then a fresh instance of each joining under load. At the end
 * the audit finds every run a station started stored once with its steps, finished, with its verdict, and the
 * shopfloor accepted each exactly once. Not in {@code mvn verify}: {@code -Pcluster} runs
 * these (README, "Sizing and high availability").
 */
class PipelineClusterIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineClusterIT.class);
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static final Duration GAP_SETTLE = Duration.ofSeconds(60);
  private static final Duration OUTAGE = Duration.ofSeconds(15);
  private static final long PROGRESS_TIMEOUT = 180_000;
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
  void a_rolling_restart_and_two_of_three_brokers_down_lose_nothing_and_the_line_drains_once_they_return()
      throws Exception {
    RequiredTools.require("mosquitto");
    Instant from = Instant.now().minusSeconds(1);
    pipeline = new Pipeline(tmp.resolve("pipeline"), Pipeline.Options.defaults(), new Pipeline.Topology(3, 1, 1, 1));
    KafkaCluster cluster = pipeline.kafkaCluster();
    startStations(3);
    try (BridgeProgress progress = new BridgeProgress(List.of(pipeline.bridgeMetrics(0)))) {
      progress();
      for (int node : cluster.nodeIds()) {
        long stopped = System.nanoTime();
        cluster.stop(node);
        progress();
        cluster.restart(node);
        awaitFullyReplicated();
        log.info("rolling restart: node {} stopped and back in every in-sync set after {} ms; forwarding stalled at"
            + " most {} ms meanwhile", node, millisSince(stopped), progress.longestStallMillis(stopped,
            System.nanoTime()));
      }

      List<Integer> down = cluster.nodeIds().subList(0, 2);
      down.forEach(cluster::kill9);
      long killed = System.nanoTime();
      // what was in flight at the kill may still complete on the survivor; after that nothing is acknowledged
      await().atMost(Duration.ofSeconds(30)).until(() -> progress.longestStallMillis(killed, System.nanoTime()) > 3000);
      double forwardedInOutage = progress.forwarded();
      Thread.sleep(OUTAGE.toMillis()); // the outage itself: the stations keep running meanwhile
      assertThat(progress.forwarded()).as("messages Kafka acknowledged with 2 of 3 brokers down")
          .isEqualTo(forwardedInOutage);
      long outageEnd = System.nanoTime();
      cluster.restart(down.get(0)); // two of three: min ISR 2 is met again, everything must flow
      long back = System.nanoTime();
      double forwardedAtReturn = progress.forwarded();
      await().atMost(Duration.ofSeconds(120)).until(() -> progress.forwarded() > forwardedAtReturn);
      log.info("two of three brokers down: nothing forwarded for {} ms; node {} restarted in {} ms, the first message"
              + " forwarded {} ms after it was back", millisSince(killed) - millisSince(outageEnd), down.get(0),
          TimeUnit.NANOSECONDS.toMillis(back - outageEnd), millisSince(back));
      progress();
      cluster.restart(down.get(1));
      progress();
    }
    auditIsClean(from);
  }

  @Test
  void kill_9_of_the_busiest_partitions_leader_loses_nothing_stores_nothing_twice_and_stalls_no_bridge()
      throws Exception {
    RequiredTools.require("mosquitto");
    Instant from = Instant.now().minusSeconds(1);
    pipeline = new Pipeline(tmp.resolve("pipeline"), Pipeline.Options.defaults(), new Pipeline.Topology(3, 2, 1, 1));
    KafkaCluster cluster = pipeline.kafkaCluster();
    startStations(4);
    List<URI> bridgeMetrics = IntStream.range(0, 2).mapToObj(pipeline::bridgeMetrics).toList();
    try (BridgeProgress progress = new BridgeProgress(bridgeMetrics)) {
      progress();
      BusiestPartition busiest = BusiestPartition.of(pipeline.kafkaProps(), pipeline.topics().events());
      long killed = System.nanoTime();
      cluster.kill9(busiest.leader());
      await().atMost(STUCK_AFTER).until(() -> cluster.leaderOf(busiest.topic(), busiest.partition())
          .filter(l -> l != busiest.leader()).isPresent());
      long elected = System.nanoTime();
      progress();
      progress();
      long after = System.nanoTime();
      log.info("killed the leader of the busiest partition {}; a new leader after {} ms; forwarding over both bridges"
              + " stalled at most {} ms", busiest, TimeUnit.NANOSECONDS.toMillis(elected - killed),
          progress.longestStallMillis(killed, after));
      for (int i = 0; i < bridgeMetrics.size(); i++) {
        long ack = progress.longestAckMillis(i, killed, after);
        log.info("bridge {}: a message waited at most {} ms for Kafka's acknowledgement after the kill of {}; the"
            + " longest time it forwarded nothing (idle time included) {} ms", i + 1, ack, busiest,
            progress.longestStallMillis(i, killed, after));
        assertThat(ack).as("bridge %d's longest wait for Kafka's acknowledgement after the kill, ms", i + 1)
            .isBetween(0L, STUCK_AFTER.toMillis() - 1);
      }
    }
    auditIsClean(from);
  }

  @Test
  void two_bridges_three_consumers_two_shopfloor_bridges_lose_one_of_each_to_kill_9_then_a_fresh_one_joins_under_load()
      throws Exception {
    RequiredTools.require("mosquitto");
    Instant from = Instant.now().minusSeconds(1);
    pipeline = new Pipeline(tmp.resolve("pipeline"), Pipeline.Options.defaults(), new Pipeline.Topology(3, 2, 3, 2));
    startStations(4);
    List<ServiceJvm> killed = List.of(pipeline.bridges().get(1), pipeline.consumers().get(2),
        pipeline.shopfloorBridges().get(1));
    List<URI> bridgeMetrics = List.of(pipeline.bridgeMetrics(0), pipeline.bridgeMetrics(1));
    try (BridgeProgress progress = new BridgeProgress(bridgeMetrics)) {
      progress();
      for (ServiceJvm service : killed) {
        long at = System.nanoTime();
        service.kill9();
        progress();
        log.info("{} killed (SIGKILL): the line went on; forwarding stalled at most {} ms", service,
            progress.longestStallMillis(at, System.nanoTime()));
      }
      // the killed bridge comes back on its own instance id: its persistent session in the share group holds what
      // the broker had routed to it, which a bridge of another id would never receive
      killed.get(0).start();
      killed.get(0).awaitReady(120_000);
      progress();
    }
    // then one fresh instance of every kind joins its group (the MQTT share group, the consumer groups) under load
    for (ServiceJvm fresh : List.of(pipeline.addBridge(), pipeline.addConsumer(), pipeline.addShopfloorBridge())) {
      long at = System.nanoTime();
      progress();
      log.info("{} joined its group under load; every station finished a run {} ms later", fresh, millisSince(at));
    }
    try (BridgeProgress fresh = new BridgeProgress(List.of(pipeline.bridgeMetrics(2)))) {
      await("the fresh bridge forwards its share").atMost(Duration.ofSeconds(120)).until(() -> fresh.forwarded() > 0);
    }
    progress();
    auditIsClean(from);
  }

  private void startStations(int count) throws Exception {
    stations = new LineStations(tmp.resolve("stations"), "HA-0", count, pipeline.mqttUri(), PROGRESS_TIMEOUT);
  }

  /** Every station finishes at least one more agent invocation. */
  private void progress() throws InterruptedException {
    stations.progress();
  }

  /** Every partition of every topic has all three replicas in sync again: the next node may go. */
  private void awaitFullyReplicated() {
    try (Admin admin = Admin.create(pipeline.kafkaProps())) {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
        Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        return topics.values().stream().flatMap(t -> t.partitions().stream())
            .allMatch(p -> p.isr().size() == p.replicas().size());
      });
    }
  }

  private void auditIsClean(Instant from) throws Exception {
    LineAudit.assertLineClean(pipeline, stations.list(), from, 3, SETTLE, GAP_SETTLE);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
