package org.apache.kafka.common.errors;

/**
 * Stand-in with Kafka's class names, so the name-based classification is tested without putting the Kafka client
 * on this module's classpath (which it must stay free of).
 */
public class NotLeaderOrFollowerException extends RetriableException {
  private static final long serialVersionUID = 1L;
}
