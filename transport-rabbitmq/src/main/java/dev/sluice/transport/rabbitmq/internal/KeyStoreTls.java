package dev.sluice.transport.rabbitmq.internal;

import dev.sluice.config.Secret;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** An {@link SSLContext} from PKCS#12 files named in the tls section. */
public final class KeyStoreTls {
  private KeyStoreTls() {
  }

  public static SSLContext sslContext(RabbitMqSettings settings)
      throws IOException, GeneralSecurityException {
    RabbitMqSettings.Tls tls = settings.tls();
    TrustManager[] trust = null;
    if (tls.trustStore().isPresent()) {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(load(tls.trustStore().get(), tls.trustStorePassword(), "trust-store"));
      trust = tmf.getTrustManagers();
    }
    KeyManager[] keys = null;
    if (tls.keyStore().isPresent()) {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      char[] password = tls.keyStorePassword().map(s -> s.reveal().toCharArray())
          .orElse(new char[0]);
      kmf.init(load(tls.keyStore().get(), tls.keyStorePassword(), "key-store"), password);
      keys = kmf.getKeyManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust, null);
    return context;
  }

  private static KeyStore load(Path file, Optional<Secret> password, String key)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.map(s -> s.reveal().toCharArray()).orElse(null));
    } catch (IOException e) {
      throw new IOException("transport.rabbitmq.tls." + key + " " + file
          + " could not be read as PKCS#12: " + e.getMessage()
          + "; check the path and the password", e);
    }
    return store;
  }
}
