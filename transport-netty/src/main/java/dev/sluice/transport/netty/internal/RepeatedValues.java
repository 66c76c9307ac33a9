package dev.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;

/**
 * The last value of each CloudEvents attribute that tends to repeat from event to event on one
 * connection (source, type, specversion, datacontenttype, dataschema), so that a repeat costs a
 * byte comparison instead of a check, a copy and a new string. The id, subject and time differ
 * per event and are not kept. One per connection, used by its event loop only; a few hundred
 * bytes at most, bounded by the attribute size limit.
 */
final class RepeatedValues {
  private static final String[] NAMES = {"source", "type", "specversion", "datacontenttype",
      "dataschema"};

  private final byte[][] bytes = new byte[NAMES.length][];
  private final String[] values = new String[NAMES.length];

  /** The slot of attribute {@code name}, or -1 when its values are not kept. */
  static int slot(String name) {
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The value last remembered in {@code slot} when its bytes equal these, else null. */
  String lookup(int slot, ByteBuf body, int start, int length) {
    byte[] last = bytes[slot];
    return last != null && last.length == length && FrameCodec.matches(body, start, last)
        ? values[slot] : null;
  }

  /** Remembers {@code value}, decoded from these bytes, as the last value of {@code slot}. */
  void remember(int slot, ByteBuf body, int start, int length, String value) {
    byte[] copy = new byte[length];
    body.getBytes(start, copy);
    bytes[slot] = copy;
    values[slot] = value;
  }
}
