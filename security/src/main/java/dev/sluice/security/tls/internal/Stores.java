package dev.sluice.security.tls.internal;

import dev.sluice.security.tls.TlsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds key and trust manager factories from PEM files and PKCS#12 stores. */
public final class Stores {
  private static final char[] IN_MEMORY = "sluice".toCharArray();

  private Stores() {
  }

  /** Key managers for a private key and its chain. */
  public static KeyManagerFactory keyManagers(PrivateKey key, List<X509Certificate> chain) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("key", key, IN_MEMORY, chain.toArray(Certificate[]::new));
      KeyManagerFactory f =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, IN_MEMORY);
      return f;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException("cannot use the private key of " + chain.get(0)
          .getSubjectX500Principal() + " (" + e.getMessage() + ")", e);
    }
  }

  /** A PKCS#12 (or JKS) store, its type detected from the file. */
  public static KeyStore load(Path file, char[] password, String key) {
    try {
      return KeyStore.getInstance(file.toFile(), password);
    } catch (IOException e) {
      throw new TlsException(key + ": cannot read the key store " + file + " (" + e.getMessage()
          + "); check the path, its permissions and the password", e);
    } catch (GeneralSecurityException e) {
      throw new TlsException(key + ": " + file + " is not a PKCS#12 or JKS store ("
          + e.getMessage() + ")", e);
    }
  }

  /** Key managers from a PKCS#12 store whose key has the store's password. */
  public static KeyManagerFactory keyManagers(KeyStore store, char[] password, String key) {
    try {
      KeyManagerFactory f =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, password);
      return f;
    } catch (GeneralSecurityException e) {
      throw new TlsException(key + ": cannot read the private key (" + e.getMessage()
          + "); check the password", e);
    }
  }

  /** The first certificate chain of a key entry in {@code store}. */
  public static List<X509Certificate> chain(KeyStore store, String key) {
    try {
      for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
        String alias = aliases.nextElement();
        if (store.isKeyEntry(alias)) {
          List<X509Certificate> chain = new ArrayList<>();
          for (Certificate c : store.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
          }
          return chain;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new TlsException(key + ": cannot list the key store (" + e.getMessage() + ")", e);
    }
    throw new TlsException(key + ": the key store holds no private key entry");
  }

  /** Trust managers for the certificates in {@code file}: PEM, or a PKCS#12/JKS store. */
  public static TrustManagerFactory trustManagers(Path file, char[] password, String key) {
    if (isPem(file, key)) {
      return trustManagers(PemFiles.certificates(file, key), key);
    }
    return trustManagers(load(file, password, key), key);
  }

  /** Trust managers for exactly these certificates. */
  public static TrustManagerFactory trustManagers(Collection<X509Certificate> certificates,
      String key) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      return trustManagers(store, key);
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsException(key + ": cannot build a trust store (" + e.getMessage() + ")", e);
    }
  }

  private static TrustManagerFactory trustManagers(KeyStore store, String key) {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      return f;
    } catch (GeneralSecurityException e) {
      throw new TlsException(key + ": cannot use the trust store (" + e.getMessage() + ")", e);
    }
  }

  /** The certificates the JDK trusts by default (its cacerts). */
  public static List<X509Certificate> jdkDefaultCertificates() {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      List<X509Certificate> all = new ArrayList<>();
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          all.addAll(List.of(x.getAcceptedIssuers()));
        }
      }
      return all;
    } catch (GeneralSecurityException e) {
      throw new TlsException("cannot read the JDK's default trust store (" + e + ")", e);
    }
  }

  private static boolean isPem(Path file, String key) {
    try {
      byte[] head = new byte[64];
      int n;
      try (var in = Files.newInputStream(file)) {
        n = in.readNBytes(head, 0, head.length);
      }
      return new String(head, 0, n, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN");
    } catch (IOException e) {
      throw new TlsException(key + ": cannot read " + file + " (" + e + "); check the path and "
          + "its permissions", e);
    }
  }
}
