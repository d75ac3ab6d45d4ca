package io.testline.agent.openhtf;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Comparator;
import org.junit.jupiter.api.Test;

/** Limits from the text OpenHTF's validators print ({@code str(validator)} in openhtf/util/validators.py). */
class ValidatorTextTest {
  @Test
  void in_range_gives_low_and_high_limits_and_its_marginal_bounds() {
    assertThat(ValidatorText.parse("3.2 <= x <= 3.4")).hasValue(
        new ValidatorText.Limits(3.2, 3.4, Comparator.GELE, null, null, null));
    assertThat(ValidatorText.parse("1 <= x")).hasValue(
        new ValidatorText.Limits(1.0, null, Comparator.GE, null, null, null));
    assertThat(ValidatorText.parse("x <= 1e-06")).hasValue(
        new ValidatorText.Limits(null, 1e-6, Comparator.LE, null, null, null));
    ValidatorText.Limits marginal = ValidatorText.parse("4.75 <= Marginal:4.8 <= x <= Marginal:5.2 <= 5.25")
        .orElseThrow();
    assertThat(marginal).isEqualTo(new ValidatorText.Limits(4.75, 5.25, Comparator.GELE, null, 4.8, 5.2));
    assertThat(marginal.marginal(5.22)).isTrue();
    assertThat(marginal.marginal(4.77)).isTrue();
    assertThat(marginal.marginal(5.0)).isFalse();
  }

  @Test
  void equals_within_percent_and_plain_comparisons_give_limits() {
    assertThat(ValidatorText.parse("x == 5")).hasValue(new ValidatorText.Limits(5.0, 5.0, Comparator.EQ, 5.0, null,
        null));
    assertThat(ValidatorText.parse("'x' is equal to '2.5'")).hasValue(
        new ValidatorText.Limits(2.5, 2.5, Comparator.EQ, 2.5, null, null));
    ValidatorText.Limits percent = ValidatorText.parse("'x' is within 10% of 200. Marginal: 5% of 200")
        .orElseThrow();
    assertThat(percent.low()).isEqualTo(180.0);
    assertThat(percent.high()).isEqualTo(220.0);
    assertThat(percent.nominal()).isEqualTo(200.0);
    assertThat(percent.marginal(215.0)).isTrue();
    assertThat(ValidatorText.parse("x >= 1")).hasValue(new ValidatorText.Limits(1.0, null, Comparator.GE, null,
        null, null));
    assertThat(ValidatorText.parse("x < 2")).hasValue(new ValidatorText.Limits(null, 2.0, Comparator.LT, null, null,
        null));
  }

  @Test
  void validators_without_numeric_limits_are_not_guessed() {
    assertThat(ValidatorText.parse("'x' matches /^1\\.4\\.\\d+$/")).isEmpty();
    assertThat(ValidatorText.parse("'x' is equal to 'OK'")).isEmpty();
    assertThat(ValidatorText.parse("All values pass: 3.2 <= x <= 3.4")).isEmpty();
    assertThat(ValidatorText.parse("-inf <= x <= inf")).isEmpty();
    assertThat(ValidatorText.parse("x")).isEmpty();
  }
}
