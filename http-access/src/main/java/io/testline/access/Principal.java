package io.testline.access;

import io.testline.login.LoginThrottle;
import java.util.Objects;

/**
 * Who a request acts for: a configured user, the API token ({@link #TOKEN_NAME}), or, on a loopback listener without
 * any authentication configured, the local operator ({@link #LOCAL_NAME}).
 */
public record Principal(String name, Role role) {
  public static final String TOKEN_NAME = LoginThrottle.TOKEN_NAME;
  public static final String LOCAL_NAME = "local";

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }

  /** The local operator of an open loopback listener: no login, full rights, as the machine's own user has anyway. */
  public static Principal local() {
    return new Principal(LOCAL_NAME, Role.ADMIN);
  }
}
