package io.testline.shopfloor.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseMapperTest {

  @Test
  void success_is_accepted_with_the_shopfloor_reference() {
    assertThat(ResponseMapper.map(201, "{\"reference\":\"SF-1\"}")).isEqualTo(new SubmitResult.Accepted("SF-1"));
    assertThat(ResponseMapper.map(204, "")).isEqualTo(new SubmitResult.Accepted(null));
    assertThat(ResponseMapper.map(200, "ok")).isEqualTo(new SubmitResult.Accepted(null));
  }

  @Test
  void client_error_is_a_rejection_with_the_shopfloor_code_and_message() {
    assertThat(ResponseMapper.map(422, "{\"code\":\"ROUTE-STEP\",\"message\":\"unit is at OP10\"}"))
        .isEqualTo(new SubmitResult.Rejected("ROUTE-STEP", "unit is at OP10"));
  }

  @Test
  void client_error_without_a_code_is_named_by_its_status() {
    assertThat(ResponseMapper.map(400, "bad thing")).isEqualTo(new SubmitResult.Rejected("HTTP-400", "bad thing"));
  }

  @Test
  void server_errors_timeouts_and_throttling_are_transient() {
    for (int status : new int[] {500, 502, 503, 504, 408, 429}) {
      assertThat(ResponseMapper.map(status, "{\"code\":\"X\"}")).isInstanceOf(SubmitResult.TransientFailure.class);
    }
  }

  @Test
  void unexpected_statuses_are_transient() {
    assertThat(ResponseMapper.map(302, "")).isInstanceOf(SubmitResult.TransientFailure.class);
  }
}
