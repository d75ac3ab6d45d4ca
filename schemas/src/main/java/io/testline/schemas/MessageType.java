package io.testline.schemas;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event type of the contract, with its schema id ({@code testline.<name>/<version>}) and record. */
public enum MessageType {
  STATION_BIRTH("station.birth", 1, StationBirth.class),
  STATION_DEATH("station.death", 1, StationDeath.class),
  STATION_HEARTBEAT("station.heartbeat", 1, StationHeartbeat.class),
  RUN_STARTED("run.started", 1, RunStarted.class),
  RUN_STEP("run.step", 1, RunStep.class),
  RUN_LOG("run.log", 1, RunLog.class),
  RUN_ATTACHMENT("run.attachment", 1, RunAttachment.class),
  RUN_FINISHED("run.finished", 1, RunFinished.class),
  SHOPFLOOR_VERDICT("shopfloor.verdict", 1, ShopfloorVerdict.class);

  private static final Map<String, MessageType> BY_SCHEMA_ID =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(MessageType::schemaId, Function.identity()));
  private static final Map<Class<?>, MessageType> BY_CLASS =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(MessageType::payloadClass, Function.identity()));

  private final String typeName;
  private final int version;
  private final Class<? extends Payload> payloadClass;

  MessageType(String typeName, int version, Class<? extends Payload> payloadClass) {
    this.typeName = typeName;
    this.version = version;
    this.payloadClass = payloadClass;
  }

  /** The name without version, e.g. {@code run.finished}. */
  public String typeName() {
    return typeName;
  }

  public int version() {
    return version;
  }

  /** The value of an event's {@code schema} field, e.g. {@code testline.run.finished/1}. */
  public String schemaId() {
    return "testline." + typeName + "/" + version;
  }

  /** The JSON Schema of this type on the classpath. */
  public String schemaResource() {
    return Schemas.RESOURCE_DIR + typeName + "-" + version + ".schema.json";
  }

  public Class<? extends Payload> payloadClass() {
    return payloadClass;
  }

  public static Optional<MessageType> bySchemaId(String schemaId) {
    return Optional.ofNullable(BY_SCHEMA_ID.get(schemaId));
  }

  /** The versions this reader knows of the type named in {@code schemaId}, e.g. for an error message. */
  public static String knownVersionsOf(String schemaId) {
    String name = schemaId.contains("/") ? schemaId.substring(0, schemaId.indexOf('/')) : schemaId;
    return Arrays.stream(values())
        .map(MessageType::schemaId)
        .filter(id -> id.startsWith(name + "/"))
        .collect(Collectors.joining(", "));
  }

  static MessageType of(Class<?> payloadClass) {
    MessageType type = BY_CLASS.get(payloadClass);
    if (type == null) {
      throw new IllegalArgumentException("not a testline payload: " + payloadClass.getName());
    }
    return type;
  }
}
