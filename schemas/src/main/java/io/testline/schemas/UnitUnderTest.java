package io.testline.schemas;

import java.util.Objects;

/**
 * One unit of a run.
 *
 * @param position 1-based position on a panel or fixture, when several units are tested together
 * @param slot     the fixture's name for that position
 */
public record UnitUnderTest(String serialNumber, Integer position, String slot) {
  public UnitUnderTest {
    Objects.requireNonNull(serialNumber, "serialNumber");
  }

  public static UnitUnderTest of(String serialNumber) {
    return new UnitUnderTest(serialNumber, null, null);
  }
}
