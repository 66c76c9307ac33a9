package dev.sluice.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How an event arrived: the transport, the authenticated caller (if any), the remote address (if
 * any) and the deadline after which the sender no longer waits for the result.
 */
public final class Delivery {
  private final String transport;
  private final Principal principal;
  private final String remoteAddress;
  private final Instant deadline;

  private Delivery(String transport, Principal principal, String remoteAddress, Instant deadline) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.principal = principal;
    this.remoteAddress = remoteAddress;
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /** An anonymous delivery with an absolute deadline. */
  public static Delivery of(String transport, Instant deadline) {
    return new Delivery(transport, null, null, deadline);
  }

  /** An anonymous delivery that must be answered within {@code timeout} from now. */
  public static Delivery within(String transport, Duration timeout) {
    return of(transport, Instant.now().plus(timeout));
  }

  /** The same delivery from an authenticated caller. */
  public Delivery withPrincipal(Principal caller) {
    return new Delivery(transport, Objects.requireNonNull(caller, "caller"), remoteAddress,
        deadline);
  }

  public Delivery withRemoteAddress(String address) {
    return new Delivery(transport, principal, address, deadline);
  }

  /**
   * The same delivery with another deadline: a transport can build the caller and address of
   * a connection once, and give each of its events its own deadline (a delivery is immutable,
   * so events with the same deadline may share one).
   */
  public Delivery withDeadline(Instant newDeadline) {
    return new Delivery(transport, principal, remoteAddress, newDeadline);
  }

  public String transport() {
    return transport;
  }

  /** The authenticated caller; empty when the transport does not authenticate. */
  public Optional<Principal> principal() {
    return Optional.ofNullable(principal);
  }

  public Optional<String> remoteAddress() {
    return Optional.ofNullable(remoteAddress);
  }

  public Instant deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "Delivery{transport=" + transport + ", principal=" + principal + ", remote="
        + remoteAddress + ", deadline=" + deadline + "}";
  }
}
