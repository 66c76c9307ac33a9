package dev.sluice.security.tls.internal;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

/** A {@link TrustManagerFactory} that hands out one given trust manager; init is ignored. */
public final class FixedTrustManagerFactory extends TrustManagerFactory {
  private static final Provider PROVIDER = new Provider("SluiceTrust", "1.0",
      "Sluice fixed trust managers") {
    private static final long serialVersionUID = 1L;
  };

  public FixedTrustManagerFactory(TrustManager manager) {
    super(new Spi(manager), PROVIDER, "fixed");
  }

  private static final class Spi extends TrustManagerFactorySpi {
    private final TrustManager manager;

    Spi(TrustManager manager) {
      this.manager = manager;
    }

    @Override
    protected void engineInit(KeyStore keyStore) {
    }

    @Override
    protected void engineInit(ManagerFactoryParameters parameters) {
    }

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      return new TrustManager[] {manager};
    }
  }
}
