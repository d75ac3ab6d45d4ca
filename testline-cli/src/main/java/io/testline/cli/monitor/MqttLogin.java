package io.testline.cli.monitor;

import io.testline.tls.KeyStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * How the monitor logs in to a broker that is not open: a user and password, and for {@code ssl://} the trust store
 * holding the plant CA (the JVM's default CAs otherwise).
 *
 * @param username           null: anonymous
 * @param password           null: none
 * @param trustStore         null: the JVM's default trust
 * @param trustStorePassword null: a store without one
 */
public record MqttLogin(String username, String password, Path trustStore, String trustStorePassword) {
  /** An anonymous client trusting the JVM's default CAs. */
  public static final MqttLogin ANONYMOUS = new MqttLogin(null, null, null, null);

  /** Sets the login and the TLS trust on {@code options}. */
  void applyTo(MqttConnectionOptions options) {
    if (username != null) {
      options.setUserName(username);
    }
    if (password != null) {
      options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    }
    if (trustStore != null) {
      options.setSocketFactory(sockets());
    }
  }

  private SocketFactory sockets() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, KeyStores.trusting(trustStore, trustStorePassword).getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("--truststore: cannot read " + trustStore + ": " + e.getMessage(), e);
    }
  }

  /** Never prints the passwords. */
  @Override
  public String toString() {
    return "MqttLogin[username=" + username + ", password=" + (password == null ? "(none)" : "(hidden)")
        + ", trustStore=" + trustStore + ", trustStorePassword=" + (trustStorePassword == null ? "(none)" : "(hidden)")
        + "]";
  }
}
