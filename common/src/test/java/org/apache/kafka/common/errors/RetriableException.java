package org.apache.kafka.common.errors;

/** Stand-in for Kafka's base class of retriable errors; see {@link NotLeaderOrFollowerException}. */
public class RetriableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
}
