package io.testline.web.view;

import java.util.UUID;

/** Where one stored event of a run was read: its Kafka topic, partition and offset. */
public record ProvenanceView(UUID eventId, String schema, String topic, int partition, long offset) {}
