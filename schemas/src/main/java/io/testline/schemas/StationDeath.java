package io.testline.schemas;

/**
 * The agent's MQTT Will ({@code graceful=false}, published by the broker when the agent vanishes) or its
 * goodbye on a clean shutdown ({@code graceful=true}).
 */
public record StationDeath(boolean graceful, String reason) implements Payload {}
