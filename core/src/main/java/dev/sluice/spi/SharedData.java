package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The data of events and results without the copy that their public accessors make, for
 * transports, stores and guards, which only read it or hand it on: Sluice's own copied every
 * event's data four times, each copy an allocation per event (together about a fifth of the
 * bytes the server allocated at peak). What these methods return is shared with
 * the event or result, which other threads may read at the same time: read it, never modify
 * it, and never modify an array after handing it to {@link #adopt}.
 *
 * <p><strong>Not for processors</strong>, which keep to {@link Event#data()} and
 * {@link Event#dataBuffer()}: the same event may reach a processor more than once (retries),
 * and is stored and dead-lettered as it was received, so a processor that wrote into the
 * shared array would change what every later attempt, the store and the dead letter see.
 * {@link Event} and {@link Result} are immutable only as long as this contract is kept.
 *
 * <p>It reads the private fields through variable handles, so that the event model itself
 * gains no method that would hand its arrays out.
 */
public final class SharedData {
  private static final VarHandle EVENT_DATA;
  private static final VarHandle RESULT_DATA;
  private static final VarHandle BUILDER_DATA;

  static {
    try {
      MethodHandles.Lookup here = MethodHandles.lookup();
      EVENT_DATA = MethodHandles.privateLookupIn(Event.class, here)
          .findVarHandle(Event.class, "data", byte[].class);
      RESULT_DATA = MethodHandles.privateLookupIn(Result.class, here)
          .findVarHandle(Result.class, "data", byte[].class);
      BUILDER_DATA = MethodHandles.privateLookupIn(Event.Builder.class, here)
          .findVarHandle(Event.Builder.class, "data", byte[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private SharedData() {
  }

  /** The event's data, shared: read it, never modify it. Empty when it has none. */
  public static byte[] of(Event event) {
    return (byte[]) EVENT_DATA.get(event);
  }

  /** The result's data, shared: read it, never modify it. Empty when it has none. */
  public static byte[] of(Result result) {
    return (byte[]) RESULT_DATA.get(result);
  }

  /**
   * Sets {@code data} on {@code builder} without copying it, as {@link Event.Builder#data(byte[])}
   * does with a copy: for an array that nothing else holds or modifies, such as one just decoded
   * from the wire. A null or empty array means no data, as for {@code data(byte[])}.
   */
  public static Event.Builder adopt(Event.Builder builder, byte[] data) {
    if (data == null || data.length == 0) {
      return builder.data((byte[]) null);
    }
    BUILDER_DATA.set(builder, data);
    return builder;
  }
}
