package io.testline.access;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.tls.KeyStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * HTTPS for a listener: {@code <prefix>.tls.keyStore} (PKCS12 or JKS with the server's key and certificate chain) and
 * {@code <prefix>.tls.keyStorePassword}. The store is loaded at start, so a wrong path or password fails then,
 * naming the key.
 */
public record HttpsConfig(Path keyStorePath, String password, KeyStore keyStore) {
  public HttpsConfig {
    Objects.requireNonNull(keyStorePath, "keyStorePath");
    Objects.requireNonNull(keyStore, "keyStore");
  }

  /** The HTTPS settings under {@code prefix}, or null when {@code <prefix>.tls.keyStore} is not set (plain HTTP). */
  public static HttpsConfig load(ConfigSource source, String prefix) {
    String storeKey = prefix + ".tls.keyStore";
    String passwordKey = prefix + ".tls.keyStorePassword";
    Path path = source.path(storeKey, null);
    String password = source.string(passwordKey, null);
    if (path == null) {
      if (password != null) {
        throw new ConfigException(passwordKey + ": is set but " + storeKey + " is not");
      }
      return null;
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(storeKey + ": \"" + path + "\" is not a readable file");
    }
    try {
      return new HttpsConfig(path, password, KeyStores.load(path, password));
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(storeKey + ": \"" + path + "\" cannot be read with " + passwordKey + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "HttpsConfig[keyStore=" + keyStorePath + ", password=" + (password == null ? "(none)" : "(hidden)") + "]";
  }
}
