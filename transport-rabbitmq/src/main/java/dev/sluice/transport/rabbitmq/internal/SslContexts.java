package dev.sluice.transport.rabbitmq.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/** The TLS context of one source or client, asked for only when TLS is enabled. */
@FunctionalInterface
public interface SslContexts {
  SSLContext get() throws IOException, GeneralSecurityException;
}
