package dev.sluice.security.tls;

/**
 * Whether a server asks TLS clients for a certificate ({@code client-auth} in a {@code tls}
 * section). A certificate a client presents is checked against the section's {@code trust-file}.
 */
public enum ClientAuth {
  /** Clients are not asked for a certificate. */
  NONE,
  /** Clients are asked; one that sends none is still accepted (and may log in with a password). */
  OPTIONAL,
  /** A client without a trusted certificate is refused during the TLS handshake. */
  REQUIRE
}
