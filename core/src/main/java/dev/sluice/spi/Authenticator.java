package dev.sluice.spi;

import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks who a caller is, for transports that authenticate callers themselves (the netty
 * transport during its handshake). The security module implements it; a server without the
 * security module accepts everyone as {@link #anonymous()}.
 *
 * <p>Implementations are thread-safe, never block the calling thread (password hashing runs on
 * their own bounded pool), slow down and lock out repeated failures, and never log passwords.
 */
public interface Authenticator {

  /** Whether callers must authenticate; when false, a caller without credentials is anonymous. */
  boolean required();

  /**
   * Checks a user name and password from {@code remoteAddress}. The stage fails with an
   * {@link AuthenticationException} when they do not match, the user is locked out or unknown.
   * The caller may wipe {@code password} once this method returns.
   */
  CompletionStage<Principal> login(String username, char[] password, String remoteAddress);

  /**
   * The principal of a client that presented a certificate chain the TLS layer already trusted.
   *
   * @throws AuthenticationException when no user or role maps to that certificate
   */
  Principal certificate(X509Certificate[] chain) throws AuthenticationException;

  /** The principal of a caller that did not authenticate, when {@link #required()} is false. */
  default Principal anonymous() {
    return new Principal("anonymous", Set.of());
  }

  /** Everyone is anonymous and allowed: for tests and servers without the security module. */
  static Authenticator none() {
    return NoAuthentication.INSTANCE;
  }
}

/** {@link Authenticator#none()}. */
enum NoAuthentication implements Authenticator {
  INSTANCE;

  @Override
  public boolean required() {
    return false;
  }

  @Override
  public CompletionStage<Principal> login(String username, char[] password,
      String remoteAddress) {
    return CompletableFuture.failedFuture(
        new AuthenticationException("this server does not authenticate users"));
  }

  @Override
  public Principal certificate(X509Certificate[] chain) {
    return anonymous();
  }
}
