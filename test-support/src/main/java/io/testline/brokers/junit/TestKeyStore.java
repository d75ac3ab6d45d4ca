package io.testline.brokers.junit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A PKCS12 key store with a self-signed server certificate for the given IP addresses, made by the JDK's own
 * {@code keytool}, and a client {@link SSLContext} that trusts exactly that certificate: HTTPS tests without a CA.
 */
public final class TestKeyStore {
    private TestKeyStore() {}

    /** Writes {@code file} (PKCS12, alias {@code server}) for {@code ips}; returns it. */
    public static Path create(Path file, String password, String... ips) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> san = new ArrayList<>();
        for (String ip : ips) {
            san.add("ip:" + ip);
        }
        san.add("dns:localhost");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=testline test", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", file.toString(), "-storepass", password, "-ext", "SAN=" + String.join(",", san))
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        return file;
    }

    /** A TLS client context trusting the certificate in {@code file}. */
    public static SSLContext trusting(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", store.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
