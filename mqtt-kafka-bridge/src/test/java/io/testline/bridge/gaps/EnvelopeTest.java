package io.testline.bridge.gaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

  @Test
  void reads_the_envelope_of_a_whole_run_and_skips_its_steps() throws IOException {
    Envelope envelope = Envelope.read(example("run.finished.json"));

    assertThat(envelope).isEqualTo(new Envelope("testline.run.finished/1", "FCT-L1-03",
        "019aaa10-0000-7000-8000-0000000000a1", envelope.seq(), true, null));
    assertThat(envelope.seq()).isNotNull().isNotNegative();
  }

  @Test
  void reads_a_will_as_not_graceful() throws IOException {
    Envelope envelope = Envelope.read(example("station.death.json"));

    assertThat(envelope.schema()).isEqualTo("testline.station.death/1");
    assertThat(envelope.graceful()).isFalse();
    assertThat(envelope.seq()).isZero();
  }

  @Test
  void finds_the_fields_in_any_order_and_ignores_same_names_nested_deeper() throws IOException {
    Envelope envelope = Envelope.read(utf8("""
        {"data":{"steps":[{"seq":99,"stationId":"X"}],"meta":{"willSeq":98},"willSeq":7,"graceful":true},
         "seq":12,"agentSession":"019aaa10-0000-7000-8000-0000000000a1","stationId":"ST-1",
         "schema":"testline.station.birth/1","extra":[1,{"seq":5}]}"""));

    assertThat(envelope).isEqualTo(new Envelope("testline.station.birth/1", "ST-1",
        "019aaa10-0000-7000-8000-0000000000a1", 12L, true, 7L));
  }

  @Test
  void a_field_of_the_wrong_type_reads_as_missing() throws IOException {
    Envelope envelope = Envelope.read(utf8("""
        {"stationId":{"id":"ST-1"},"agentSession":7,"seq":"5","data":"gone"}"""));

    assertThat(envelope).isEqualTo(new Envelope(null, null, null, null, true, null));
  }

  @Test
  void refuses_what_is_not_a_json_object() {
    assertThatThrownBy(() -> Envelope.read(utf8("[1,2]"))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Envelope.read(utf8("{\"seq\":1,"))).isInstanceOf(IOException.class);
  }

  private static byte[] example(String name) throws IOException {
    try (InputStream in = EnvelopeTest.class.getResourceAsStream("/testline/examples/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
