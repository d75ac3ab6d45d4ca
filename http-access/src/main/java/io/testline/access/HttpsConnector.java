package io.testline.access;

import io.javalin.config.JettyConfig;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Puts a Javalin server on HTTPS: its only connector speaks TLS with the configured key store. */
public final class HttpsConnector {
  private HttpsConnector() {}

  /**
   * Replaces Javalin's plain connector by a TLS one on the address {@code bind} gives at start.
   *
   * @param bind host and port, read when the server starts
   */
  public static void install(JettyConfig jetty, HttpsConfig https, Supplier<Address> bind) {
    jetty.addConnector((server, httpConfig) -> {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStore(https.keyStore());
      if (https.password() != null) {
        tls.setKeyStorePassword(https.password());
      }
      HttpConfiguration secure = new HttpConfiguration(httpConfig);
      SecureRequestCustomizer customizer = new SecureRequestCustomizer();
      // clients check the certificate's names; the server serves any name it is reached by (an IP, an alias)
      customizer.setSniHostCheck(false);
      secure.addCustomizer(customizer);
      ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
          new HttpConnectionFactory(secure));
      Address address = bind.get();
      connector.setHost(address.host());
      connector.setPort(address.port());
      return connector;
    });
  }

  /** Where a listener binds. */
  public record Address(String host, int port) {}
}
