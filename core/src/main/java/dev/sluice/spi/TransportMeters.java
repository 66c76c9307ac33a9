package dev.sluice.spi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The meters a transport reports, with the names the operations guide documents, so every
 * transport's dashboards look alike: open connections, bytes in and out, and errors by kind.
 *
 * <pre>{@code
 * TransportMeters meters = TransportMeters.of(context.metrics(), "netty");
 * meters.connections(channels::size);
 * meters.bytesIn().increment(frame.readableBytes());
 * meters.errors("decode").increment();
 * }</pre>
 *
 * <p>Thread-safe; meters are registered once and cached by the registry.
 */
public final class TransportMeters {
  private final MeterRegistry registry;
  private final String transport;
  private final Counter bytesIn;
  private final Counter bytesOut;

  private TransportMeters(MeterRegistry registry, String transport) {
    this.registry = registry;
    this.transport = transport;
    this.bytesIn = Counter.builder("sluice.transport.bytes").tag("transport", transport)
        .tag("direction", "in").baseUnit("bytes").description("bytes received")
        .register(registry);
    this.bytesOut = Counter.builder("sluice.transport.bytes").tag("transport", transport)
        .tag("direction", "out").baseUnit("bytes").description("bytes sent")
        .register(registry);
  }

  /** The meters of {@code transport} (such as {@code netty}) in {@code registry}. */
  public static TransportMeters of(MeterRegistry registry, String transport) {
    return new TransportMeters(Objects.requireNonNull(registry, "registry"),
        Objects.requireNonNull(transport, "transport"));
  }

  /** Reports the number of open connections (or channels, or consumers) as read from {@code count}. */
  public void connections(Supplier<Number> count) {
    Gauge.builder("sluice.transport.connections", count)
        .tag("transport", transport).description("open connections").register(registry);
  }

  /** {@code sluice.transport.bytes{direction=in}}. */
  public Counter bytesIn() {
    return bytesIn;
  }

  /** {@code sluice.transport.bytes{direction=out}}. */
  public Counter bytesOut() {
    return bytesOut;
  }

  /** {@code sluice.transport.errors{kind}}: decode, tls, connection, publish, ... */
  public Counter errors(String kind) {
    return Counter.builder("sluice.transport.errors").tag("transport", transport)
        .tag("kind", kind).description("transport errors by kind").register(registry);
  }
}
