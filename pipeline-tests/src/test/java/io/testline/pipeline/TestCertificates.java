package io.testline.pipeline;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway plant CA and a broker certificate it signed, for 127.0.0.1 and localhost: PEM files for mosquitto,
 * and a PKCS12 trust store holding the CA for the Java clients.
 */
record TestCertificates(Path caPem, Path serverCertPem, Path serverKeyPem, Path trustStore, String trustStorePassword) {

  static TestCertificates create(Path dir, String trustStorePassword) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair caKeys = generator.generateKeyPair();
      X500Name caName = new X500Name("CN=testline test plant CA");
      Instant now = Instant.now();
      X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), caName,
          caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ContentSigner caSigner = new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate());
      X509Certificate caCert = new JcaX509CertificateConverter().getCertificate(ca.build(caSigner));

      KeyPair serverKeys = generator.generateKeyPair();
      X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
          new X500Name("CN=mqtt broker"), serverKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      X509Certificate serverCert = new JcaX509CertificateConverter().getCertificate(server.build(caSigner));

      Path caPem = pem(dir.resolve("ca.crt"), caCert);
      Path certPem = pem(dir.resolve("server.crt"), serverCert);
      Path keyPem = pem(dir.resolve("server.key"), serverKeys.getPrivate());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("plant-ca", caCert);
      Path trustStore = dir.resolve("truststore.p12");
      try (var out = Files.newOutputStream(trustStore)) {
        trust.store(out, trustStorePassword.toCharArray());
      }
      return new TestCertificates(caPem, certPem, keyPem, trustStore, trustStorePassword);
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static Path pem(Path file, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }
}
