package dev.sluice.security.tls.internal;

import dev.sluice.security.tls.TlsPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A JDK {@link SSLContext} whose every engine and socket follows {@link TlsPolicy}, so a library
 * that only accepts an {@code SSLContext} (the RabbitMQ client) cannot fall back to the JDK's
 * wider defaults. Client engines and sockets also verify the host name when asked to.
 */
public final class PolicySslContext extends SSLContext {

  public PolicySslContext(SSLContext delegate, boolean verifyHostname) {
    super(new Spi(delegate, verifyHostname), delegate.getProvider(), delegate.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;
    private final boolean verifyHostname;

    Spi(SSLContext delegate, boolean verifyHostname) {
      this.delegate = delegate;
      this.verifyHostname = verifyHostname;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      delegate.init(km, tm, random);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new PolicySocketFactory(delegate.getSocketFactory(), verifyHostname);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new PolicyServerSocketFactory(delegate.getServerSocketFactory());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return configure(delegate.createSSLEngine(), false);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return configure(delegate.createSSLEngine(host, port), verifyHostname);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }
  }

  static SSLEngine configure(SSLEngine engine, boolean verifyHostname) {
    var p = TlsPolicy.apply(engine.getSSLParameters(), engine.getSupportedCipherSuites());
    if (verifyHostname) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    engine.setSSLParameters(p);
    return engine;
  }

  static Socket configure(Socket socket, boolean verifyHostname) {
    if (socket instanceof SSLSocket ssl) {
      var p = TlsPolicy.apply(ssl.getSSLParameters(), ssl.getSupportedCipherSuites());
      if (verifyHostname) {
        p.setEndpointIdentificationAlgorithm("HTTPS");
      }
      ssl.setSSLParameters(p);
    }
    return socket;
  }

  private static final class PolicySocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final boolean verifyHostname;

    PolicySocketFactory(SSLSocketFactory delegate, boolean verifyHostname) {
      this.delegate = delegate;
      this.verifyHostname = verifyHostname;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return TlsPolicy.CIPHER_SUITES.toArray(String[]::new);
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return configure(delegate.createSocket(), verifyHostname);
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return configure(delegate.createSocket(s, host, port, autoClose), verifyHostname);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(delegate.createSocket(host, port), verifyHostname);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return configure(delegate.createSocket(host, port, localHost, localPort), verifyHostname);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(delegate.createSocket(host, port), verifyHostname);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return configure(delegate.createSocket(address, port, localAddress, localPort),
          verifyHostname);
    }
  }

  private static final class PolicyServerSocketFactory extends SSLServerSocketFactory {
    private final SSLServerSocketFactory delegate;

    PolicyServerSocketFactory(SSLServerSocketFactory delegate) {
      this.delegate = delegate;
    }

    private static ServerSocket configure(ServerSocket socket) {
      if (socket instanceof SSLServerSocket ssl) {
        ssl.setSSLParameters(TlsPolicy.apply(ssl.getSSLParameters(),
            ssl.getSupportedCipherSuites()));
      }
      return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return TlsPolicy.CIPHER_SUITES.toArray(String[]::new);
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return configure(delegate.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return configure(delegate.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return configure(delegate.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      return configure(delegate.createServerSocket(port, backlog, address));
    }
  }
}
