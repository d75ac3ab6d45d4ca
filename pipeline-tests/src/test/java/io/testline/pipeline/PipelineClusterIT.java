package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.audit.AuditReport;
import io.testline.brokers.KafkaCluster;
import io.testline.brokers.junit.RequiredTools;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * stream of runs from the stations. At the end the audit finds every run a station started stored once, finished,
 * with its verdict, and the shopfloor accepted each at most once. Not in {@code mvn verify}: {@code -Pcluster} runs
 * these (README, "Sizing and high availability").
 */
class PipelineClusterIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineClusterIT.class);
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static final Duration GAP_SETTLE = Duration.ofSeconds(60);
  private static final Duration OUTAGE = Duration.ofSeconds(15);
  private static final long PROGRESS_TIMEOUT = 180_000;

  @TempDir
  Path tmp;

  private Pipeline pipeline;
  private final List<Station> stations = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Station s : stations) {
      s.close();
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
  void two_instances_of_every_service_lose_a_member_each_to_kill_9_and_nothing_is_lost_or_done_twice()
      throws Exception {
    RequiredTools.require("mosquitto");
    Instant from = Instant.now().minusSeconds(1);
    pipeline = new Pipeline(tmp.resolve("pipeline"), Pipeline.Options.defaults(), new Pipeline.Topology(3, 2, 2, 2));
    startStations(4);
    List<URI> bridgeMetrics = IntStream.range(0, 2).mapToObj(pipeline::bridgeMetrics).toList();
    try (BridgeProgress progress = new BridgeProgress(bridgeMetrics)) {
      progress();
      List<ServiceJvm> killed = List.of(pipeline.bridges().get(1), pipeline.consumers().get(1),
          pipeline.shopfloorBridges().get(1));
      for (ServiceJvm service : killed) {
        long at = System.nanoTime();
        service.kill9();
        progress();
        log.info("{} killed (SIGKILL): the line went on; forwarding stalled at most {} ms", service,
            progress.longestStallMillis(at, System.nanoTime()));
      }
      for (ServiceJvm service : killed) {
        service.start();
        service.awaitReady(120_000);
      }
      progress();
    }
    auditIsClean(from);
  }

  private void startStations(int count) throws Exception {
    Path base = tmp.resolve("stations");
    for (int i = 1; i <= count; i++) {
      String id = "HA-0" + i;
      stations.add(new Station(id, base.resolve(id), base.resolve(id + "/data"), pipeline.mqttUri(), "", List.of()));
    }
    stations.forEach(Station::start);
  }

  /** Every station finishes at least one more agent invocation. */
  private void progress() throws InterruptedException {
    for (Station s : stations) {
      s.awaitAttempts(1, PROGRESS_TIMEOUT);
    }
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
    for (Station s : stations) {
      s.close();
    }
    // the stations stay online between runs, as on the line: a run kept without a verdict is sent again
    for (Station s : stations) {
      s.serve();
    }
    Set<String> started = LineAudit.startedRunIds(stations);
    LineAudit.awaitVerdicts(pipeline, started, SETTLE);
    AuditReport report = LineAudit.auditOnceGapsSettle(pipeline, from, GAP_SETTLE);
    assertThat(started).as("runs started at the stations").hasSizeGreaterThanOrEqualTo(stations.size() * 3);
    LineAudit.assertClean(report, started, Map.of());
    LineAudit.assertNoDoubleEffects(pipeline, stations, started);
    log.info("audit clean: {} runs started, stored once, finished, with a verdict", started.size());
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
