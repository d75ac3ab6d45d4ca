package io.testline.access;

import java.util.Locale;

/** What a principal may do: a viewer reads every page and API resource; an admin may also act (e.g. redrive). */
public enum Role {
  VIEWER,
  ADMIN;

  /** Whether this role includes {@code required}. */
  public boolean allows(Role required) {
    return compareTo(required) >= 0;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
