package dev.sluice.security.tls.internal;

import dev.sluice.security.tls.TlsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/** Reads certificates and private keys from PEM files, naming the configuration key on failure. */
public final class PemFiles {
  // A private provider instance: only for decrypting keys, never registered JVM-wide.
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private PemFiles() {
  }

  /** Every certificate in {@code file}, in order. */
  public static List<X509Certificate> certificates(Path file, String key) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> all = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        all.add((X509Certificate) c);
      }
      if (all.isEmpty()) {
        throw new TlsException(key + ": " + file + " holds no certificate; expected PEM blocks "
            + "starting with -----BEGIN CERTIFICATE-----");
      }
      return all;
    } catch (IOException e) {
      throw new TlsException(key + ": cannot read " + file + " (" + e + "); check the path and "
          + "its permissions", e);
    } catch (GeneralSecurityException e) {
      throw new TlsException(key + ": " + file + " is not a PEM certificate file (" + e.getMessage()
          + ")", e);
    }
  }

  /** The private key in {@code file}; {@code password} for an encrypted one, else null. */
  public static PrivateKey privateKey(Path file, char[] password, String key) {
    try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
      Object o = parser.readObject();
      while (o != null && !isKey(o)) {
        o = parser.readObject(); // skip parameters such as BEGIN EC PARAMETERS
      }
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (password == null) {
        throw new TlsException(key + ": the key in " + file + " is encrypted; set its password "
            + "(key-password)");
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password)));
      }
      if (o instanceof PEMEncryptedKeyPair encrypted) {
        return converter.getKeyPair(encrypted.decryptKeyPair(
            new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password))).getPrivate();
      }
      throw new TlsException(key + ": " + file + " holds no private key; expected -----BEGIN "
          + "PRIVATE KEY----- (PKCS#8), ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
    } catch (PKCSException | OperatorCreationException e) {
      throw new TlsException(key + ": cannot decrypt the key in " + file
          + "; check key-password", e);
    } catch (IOException e) {
      throw new TlsException(key + ": cannot read " + file + " (" + e + "); check the path and "
          + "its permissions", e);
    }
  }

  private static boolean isKey(Object o) {
    return o instanceof PrivateKeyInfo || o instanceof PEMKeyPair
        || o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair;
  }
}
