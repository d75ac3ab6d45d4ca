package io.testline.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;

/** Key and trust stores from files, PKCS12 or JKS (the JVM's default store type reads both). */
public final class KeyStores {
  private KeyStores() {}

  /** @param password null for a store without one */
  public static KeyStore load(Path file, String password) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password == null ? null : password.toCharArray());
    }
    return store;
  }

  /** Trust exactly the CAs in this store, e.g. the plant CA a broker's certificate must chain to. */
  public static TrustManagerFactory trusting(Path trustStore, String password)
      throws GeneralSecurityException, IOException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(trustStore, password));
    return tmf;
  }
}
