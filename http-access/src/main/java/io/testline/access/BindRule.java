package io.testline.access;

import io.testline.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The rule of every testline HTTP listener: closed by default, open to the network only with authentication. */
public final class BindRule {
  /** The default bind address of every listener. */
  public static final String LOOPBACK = "127.0.0.1";

  private BindRule() {}

  /** Whether {@code host} is a loopback address (a name that does not resolve is not). */
  public static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Refuses to listen on a non-loopback address without authentication.
   *
   * @param hostKey the config key of the address, named in the error
   * @param authKeys the keys that configure authentication, named in the error
   * @throws ConfigException when {@code host} is not loopback and {@code authenticated} is false
   */
  public static void requireAuthenticationOffLoopback(String hostKey, String host, boolean authenticated,
      String authKeys) {
    if (!authenticated && !isLoopback(host)) {
      throw new ConfigException(hostKey + ": \"" + host + "\" is not a loopback address and no authentication is "
          + "configured; set " + authKeys + " (or listen on " + LOOPBACK + ")");
    }
  }
}
