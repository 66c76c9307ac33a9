package dev.sluice.admin;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sluice.admin.internal.BasicAuthentication;
import dev.sluice.admin.internal.HealthHandler;
import dev.sluice.admin.internal.JvmMeters;
import dev.sluice.admin.internal.MetricsHandler;
import dev.sluice.engine.SluiceServer;
import dev.sluice.spi.Authenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint of a {@link SluiceServer}, on the JDK's HTTP server:
 *
 * <pre>
 *  GET /health/live    200 {"status":"UP",...}  or 503   (restart the process when down)
 *  GET /health/ready   200 {"status":"UP","components":{...}}  or 503 with the details
 *  GET /metrics        Prometheus text format 0.0.4: processors, breakers, transport, JVM
 * </pre>
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = AdminServer.newRegistry();
 * SluiceServer server = SluiceServer.builder(config).metrics(registry).build();
 * server.start();
 * AdminServer admin = AdminServer.builder(server)
 *     .config(AdminConfig.from(config.admin()))
 *     .sslContext(tls)              // from sluice-security; required off loopback
 *     .authenticator(authenticator) // HTTP Basic; required off loopback
 *     .build();
 * admin.start();
 * }</pre>
 *
 * <p>Bound to anything but a loopback address it serves HTTPS only and requires HTTP Basic
 * authentication checked by the {@link Authenticator}, with the configured role; without TLS
 * material or an authenticator it refuses to start and says what is missing. Requests are served
 * by two daemon threads; a health probe reads states and never blocks on a dependency.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

  private final SluiceServer server;
  private final AdminConfig config;
  private final PrometheusMeterRegistry registry;
  private final SSLContext sslContext;
  private final Authenticator authenticator;
  private HttpServer http;
  private ExecutorService executor;
  private JvmMeters jvm;

  private AdminServer(Builder b, PrometheusMeterRegistry registry) {
    this.server = b.server;
    this.config = b.config;
    this.registry = registry;
    this.sslContext = b.sslContext;
    this.authenticator = b.authenticator;
  }

  /**
   * A Prometheus registry to build the {@link SluiceServer} with, on
   * {@link SluiceServer#metricsClock()}: a timer's record reads its wall time without a system
   * call.
   */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
        SluiceServer.metricsClock());
  }

  public static Builder builder(SluiceServer server) {
    return new Builder(server);
  }

  /**
   * Binds and starts serving; does nothing when {@code admin.enabled} is false.
   *
   * @throws IllegalStateException when bound off loopback without TLS material or an
   *     authenticator, or when TLS or authentication is asked for without them
   * @throws UncheckedIOException when the address cannot be bound (in use, not local)
   */
  public synchronized void start() {
    if (!config.enabled()) {
      LOG.info("admin endpoint disabled (admin.enabled: false)");
      return;
    }
    if (http != null) {
      throw new IllegalStateException("the admin endpoint is already started");
    }
    boolean loopback = isLoopback(config.host());
    boolean tls = config.tls() || !loopback;
    boolean authenticate = config.authentication() || !loopback;
    if (tls && sslContext == null) {
      throw new IllegalStateException(loopback
          ? "admin.tls is true but no TLS material was given; configure the server's TLS"
              + " (security.tls) or set admin.tls: false"
          : "the admin endpoint may bind admin.host '" + config.host() + "' (not loopback)"
              + " only with HTTPS, and no TLS material was given; configure the server's TLS"
              + " (security.tls) or bind admin.host: 127.0.0.1");
    }
    if (authenticate && authenticator == null) {
      throw new IllegalStateException(loopback
          ? "admin.authentication is true but the server has no authenticator; configure"
              + " users (security) or set admin.authentication: false"
          : "the admin endpoint may bind admin.host '" + config.host() + "' (not loopback)"
              + " only with authentication, and the server has no authenticator; configure"
              + " users (security) or bind admin.host: 127.0.0.1");
    }
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    try {
      if (tls) {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(sslContext));
        http = https;
      } else {
        http = HttpServer.create(address, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the admin endpoint cannot bind " + config.host() + ":"
          + config.port() + ": " + e.getMessage() + "; free the port or change admin.port", e);
    }
    jvm = JvmMeters.bind(registry);
    BasicAuthentication auth = authenticate
        ? new BasicAuthentication(authenticator, config.role()) : null;
    HealthHandler health = new HealthHandler(server);
    context("/health/live", health, auth);
    context("/health/ready", health, auth);
    context("/metrics", new MetricsHandler(registry), auth);
    context("/", HealthHandler.notFound(), auth);
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "sluice-admin-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.start();
    LOG.info("admin endpoint listening on {} (/health/live, /health/ready, /metrics){}", uri(),
        authenticate ? ", HTTP Basic authentication" + (config.role().isEmpty() ? ""
            : " with role '" + config.role() + "'") : "");
  }

  private void context(String path, com.sun.net.httpserver.HttpHandler handler,
      BasicAuthentication auth) {
    HttpContext c = http.createContext(path, handler);
    if (auth != null) {
      c.setAuthenticator(auth);
    }
  }

  /** Where it listens, with the port it got. */
  public synchronized InetSocketAddress address() {
    if (http == null) {
      throw new IllegalStateException("the admin endpoint is not started");
    }
    return http.getAddress();
  }

  /** Its base URI, such as {@code http://127.0.0.1:7480}. */
  public synchronized URI uri() {
    InetSocketAddress a = address();
    String host = a.getAddress().isAnyLocalAddress() ? config.host()
        : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((http instanceof HttpsServer ? "https" : "http") + "://" + host + ":"
        + a.getPort());
  }

  /** Stops serving at once; the JVM meters are unbound. */
  @Override
  public synchronized void close() {
    if (http == null) {
      return;
    }
    http.stop(0); // an admin scrape or probe cut short is simply retried by its caller
    executor.shutdownNow();
    jvm.close();
    http = null;
    LOG.info("admin endpoint stopped");
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("admin.host '" + host + "' does not resolve; use an IP"
          + " address of this machine such as 127.0.0.1", e);
    }
  }

  /** Assembles an admin endpoint; no I/O until {@link AdminServer#start()}. */
  public static final class Builder {
    private final SluiceServer server;
    private AdminConfig config = AdminConfig.DEFAULT;
    private SSLContext sslContext;
    private Authenticator authenticator;
    private PrometheusMeterRegistry registry;

    private Builder(SluiceServer server) {
      this.server = Objects.requireNonNull(server, "server");
    }

    /** The {@code admin} section; {@link AdminConfig#DEFAULT} when not called. */
    public Builder config(AdminConfig adminConfig) {
      this.config = Objects.requireNonNull(adminConfig, "adminConfig");
      return this;
    }

    /** The server's TLS material and policy, from the security module. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /** Checks HTTP Basic credentials; the same authenticator the transports use. */
    public Builder authenticator(Authenticator callers) {
      this.authenticator = Objects.requireNonNull(callers, "callers");
      return this;
    }

    /**
     * The registry {@code /metrics} exposes; by default the server's own, which must then be
     * (or contain) a {@link PrometheusMeterRegistry}.
     */
    public Builder registry(PrometheusMeterRegistry prometheus) {
      this.registry = Objects.requireNonNull(prometheus, "prometheus");
      return this;
    }

    /**
     * @throws IllegalStateException when no Prometheus registry is given and the server's
     *     registry is not one
     */
    public AdminServer build() {
      PrometheusMeterRegistry r = registry != null ? registry : find(server.metrics());
      if (r == null) {
        throw new IllegalStateException("the server's meter registry is a "
            + server.metrics().getClass().getSimpleName() + ", so /metrics would be empty;"
            + " build the server with .metrics(AdminServer.newRegistry()), or pass a"
            + " PrometheusMeterRegistry to AdminServer.Builder.registry");
      }
      return new AdminServer(this, r);
    }

    private static PrometheusMeterRegistry find(MeterRegistry registry) {
      if (registry instanceof PrometheusMeterRegistry p) {
        return p;
      }
      if (registry instanceof CompositeMeterRegistry c) {
        for (MeterRegistry inner : c.getRegistries()) {
          PrometheusMeterRegistry p = find(inner);
          if (p != null) {
            return p;
          }
        }
      }
      return null;
    }
  }
}
