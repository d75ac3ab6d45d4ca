package io.testline.agent.publish;

import io.testline.agent.config.AgentConfig;
import io.testline.tls.KeyStores;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS socket factory of the MQTT connection: the JVM's default trust unless {@code mqtt.tls.trustStore} names
 * one, and a client certificate when {@code mqtt.tls.keyStore} is set. Stores are PKCS12 or JKS.
 */
final class TlsSockets {
  private TlsSockets() {}

  static SocketFactory factory(AgentConfig.Mqtt settings) {
    try {
      TrustManagerFactory tmf = settings.trustStore() == null ? null
          : KeyStores.trusting(settings.trustStore(), settings.trustStorePassword());
      KeyManagerFactory kmf = null;
      if (settings.keyStore() != null) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String password = settings.keyStorePassword();
        kmf.init(KeyStores.load(settings.keyStore(), password),
            password == null ? new char[0] : password.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("mqtt.tls: cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
