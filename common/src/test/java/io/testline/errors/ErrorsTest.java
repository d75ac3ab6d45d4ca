package io.testline.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  @Test
  void io_and_timeouts_are_transient_even_when_wrapped() {
    assertThat(Errors.classify(new ConnectException("refused"))).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classify(new CompletionException(new UncheckedIOException(new IOException("reset")))))
        .isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classify(new RuntimeException(new HttpTimeoutException("slow")))).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classify(new java.util.concurrent.TimeoutException())).isEqualTo(ErrorKind.TRANSIENT);
  }

  @Test
  void sql_states_split_connection_trouble_from_bad_data() {
    assertThat(Errors.classify(new SQLTransientConnectionException("gone", "08006"))).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classify(new SQLException("deadlock", "40P01"))).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classify(new SQLException("shutting down", "57P01"))).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classify(new SQLException("duplicate", "23505"))).isEqualTo(ErrorKind.PERMANENT);
    assertThat(Errors.classify(new SQLException("bad password", "28P01"))).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void outer_knowledge_wins_over_the_inner_cause() {
    assertThat(Errors.classify(new PermanentException("rejected", new IOException("irrelevant"))))
        .isEqualTo(ErrorKind.PERMANENT);
    assertThat(Errors.classify(new TransientException("shopfloor busy", new IllegalStateException())))
        .isEqualTo(ErrorKind.TRANSIENT);
  }

  @Test
  void kafka_retriable_exceptions_are_recognised_by_class_name() {
    assertThat(Errors.classify(new RuntimeException(new org.apache.kafka.common.errors.NotLeaderOrFollowerException())))
        .isEqualTo(ErrorKind.TRANSIENT);
  }

  @Test
  void unknown_failures_are_permanent_and_cycles_terminate() {
    RuntimeException a = new RuntimeException("a");
    IllegalStateException b = new IllegalStateException("b", a);
    a.initCause(b);

    assertThat(Errors.classify(a)).isEqualTo(ErrorKind.PERMANENT);
    assertThat(Errors.classify(new IllegalArgumentException("bad input"))).isEqualTo(ErrorKind.PERMANENT);
  }

  @Test
  void http_statuses_follow_the_retry_rules() {
    assertThat(Errors.classifyHttpStatus(503)).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classifyHttpStatus(408)).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classifyHttpStatus(429)).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(Errors.classifyHttpStatus(409)).isEqualTo(ErrorKind.PERMANENT);
    assertThat(Errors.classifyHttpStatus(422)).isEqualTo(ErrorKind.PERMANENT);
  }
}
