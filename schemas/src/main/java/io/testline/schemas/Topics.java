package io.testline.schemas;

import java.util.Locale;
import java.util.Optional;

/**
 * Where each message travels: the MQTT topic tree between stations and the bridge, and the Kafka topics with their
 * keys. Part of the contract, so it lives beside the schemas; it names topics and needs no broker client.
 *
 * <pre>
 * MQTT  testline/v1/&lt;stationId&gt;/birth      station.birth      retained
 *       testline/v1/&lt;stationId&gt;/death      station.death      the agent's Will, or its goodbye
 *       testline/v1/&lt;stationId&gt;/heartbeat  station.heartbeat
 *       testline/v1/&lt;stationId&gt;/events     run.started, run.step, run.finished
 *       testline/v1/&lt;stationId&gt;/logs       run.log, run.attachment
 *       testline/v1/&lt;stationId&gt;/verdict    shopfloor.verdict  downlink to the station
 *       testline/v1/&lt;stationId&gt;/resend     seq gap record     downlink: the bridge asks for missing seqs again
 *
 * Kafka testline.events         run.*, except run.log and run.attachment  key: serial number (a unit's runs in order)
 *       testline.logs           run.log, run.attachment  key: runId
 *       testline.station-state  station.*              key: stationId, compacted
 *       testline.verdicts       shopfloor.verdict      key: serial number
 *       testline.seq-gaps       sequence gap records   key: stationId
 *       testline.seq-state      gap detector's state   key: stationId/agentSession, compacted (bridge-internal)
 *       testline.deadletter     refused input          key: the original key, or the MQTT topic; original bytes
 * </pre>
 */
public final class Topics {
  /** The root of testline's MQTT topic tree, with the tree's major version. */
  public static final String MQTT_ROOT = "testline/v1";

  public static final String KAFKA_EVENTS = "testline.events";
  public static final String KAFKA_LOGS = "testline.logs";
  public static final String KAFKA_STATION_STATE = "testline.station-state";
  public static final String KAFKA_VERDICTS = "testline.verdicts";
  public static final String KAFKA_SEQ_GAPS = "testline.seq-gaps";
  /** The bridge's gap detector keeps the seqs it has read per agent session here, so a restart forgets nothing. */
  public static final String KAFKA_SEQ_STATE = "testline.seq-state";
  public static final String KAFKA_DEADLETTER = "testline.deadletter";

  /** Kafka header names the bridge adds; the station's payload is never rewritten. */
  public static final String HEADER_MQTT_TOPIC = "testline.mqtt.topic";
  public static final String HEADER_RECEIVED_AT = "testline.received.at";
  public static final String HEADER_BRIDGE = "testline.bridge";
  public static final String HEADER_SCHEMA = "testline.schema";
  /** Dead-letter provenance headers: the fields of {@link DeadLetter}. */
  public static final String HEADER_DLQ_REASON = "testline.dlq.reason";
  public static final String HEADER_DLQ_DETAIL = "testline.dlq.detail";
  public static final String HEADER_DLQ_COMPONENT = "testline.dlq.component";
  public static final String HEADER_DLQ_EXCEPTION = "testline.dlq.exception.class";
  public static final String HEADER_DLQ_SOURCE_TOPIC = "testline.dlq.source.topic";
  public static final String HEADER_DLQ_SOURCE_PARTITION = "testline.dlq.source.partition";
  public static final String HEADER_DLQ_SOURCE_OFFSET = "testline.dlq.source.offset";
  /** The original payload's length, present only when a payload too large for the topic had to be cut. */
  public static final String HEADER_DLQ_PAYLOAD_BYTES = "testline.dlq.payload.bytes";

  private Topics() {}

  /** The kinds of the MQTT tree's last level. */
  public enum Kind {
    BIRTH, DEATH, HEARTBEAT, EVENTS, LOGS, VERDICT, RESEND;

    private static final Kind[] ALL = values();
    private final String level = name().toLowerCase(Locale.ROOT);

    /** True for the kinds the bridge sends down to a station (not forwarded to Kafka). */
    public boolean downlink() {
      return this == VERDICT || this == RESEND;
    }

    public String level() {
      return level;
    }

    static Optional<Kind> ofLevel(String level) {
      for (Kind kind : ALL) {
        if (kind.level.equals(level)) {
          return Optional.of(kind);
        }
      }
      return Optional.empty();
    }
  }

  /** A parsed MQTT topic of the tree. */
  public record MqttTopic(String stationId, Kind kind) {
    public String path() {
      return mqttTopic(stationId, kind);
    }
  }

  public static String mqttTopic(String stationId, Kind kind) {
    if (!Schemas.isValidStationId(stationId)) {
      throw new IllegalArgumentException("stationId: \"" + stationId + "\" is not a valid station id");
    }
    return MQTT_ROOT + "/" + stationId + "/" + kind.level();
  }

  /** Subscription filter for every station's uplink (a monitor's or, with $share, the bridge's). */
  public static String mqttUplinkFilter() {
    return MQTT_ROOT + "/+/+";
  }

  /** Parses {@code testline/v1/<stationId>/<kind>}; empty when the topic is not of the tree. */
  public static Optional<MqttTopic> parseMqttTopic(String topic) {
    String prefix = MQTT_ROOT + "/";
    if (topic == null || !topic.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = topic.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
      return Optional.empty();
    }
    String stationId = rest.substring(0, slash);
    if (!Schemas.isValidStationId(stationId)) {
      return Optional.empty();
    }
    return Kind.ofLevel(rest.substring(slash + 1)).map(kind -> new MqttTopic(stationId, kind));
  }

  /** The MQTT kind a message type is published under. */
  public static Kind mqttKindOf(MessageType type) {
    return switch (type) {
      case STATION_BIRTH -> Kind.BIRTH;
      case STATION_DEATH -> Kind.DEATH;
      case STATION_HEARTBEAT -> Kind.HEARTBEAT;
      case RUN_STARTED, RUN_STEP, RUN_FINISHED -> Kind.EVENTS;
      case RUN_LOG, RUN_ATTACHMENT -> Kind.LOGS;
      case SHOPFLOOR_VERDICT -> Kind.VERDICT;
    };
  }

  /** The Kafka topic a message type is forwarded to. */
  public static String kafkaTopicOf(MessageType type) {
    return switch (type) {
      case STATION_BIRTH, STATION_DEATH, STATION_HEARTBEAT -> KAFKA_STATION_STATE;
      case RUN_STARTED, RUN_STEP, RUN_FINISHED -> KAFKA_EVENTS;
      case RUN_LOG, RUN_ATTACHMENT -> KAFKA_LOGS;
      case SHOPFLOOR_VERDICT -> KAFKA_VERDICTS;
    };
  }

  /** The Kafka key of a valid message: serial number for run events and verdicts, runId for logs and attachments, else station. */
  public static String kafkaKeyOf(Validation.Valid message) {
    return switch (message.type()) {
      case STATION_BIRTH, STATION_DEATH, STATION_HEARTBEAT -> message.stationId();
      case RUN_LOG, RUN_ATTACHMENT -> message.document().path("data").path("runId").asText();
      case RUN_STARTED, RUN_STEP, RUN_FINISHED, SHOPFLOOR_VERDICT -> message.serialNumber();
    };
  }
}
