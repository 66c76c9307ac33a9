package dev.sluice.transport.netty.internal;

import dev.sluice.event.Status;
import java.util.Arrays;
import java.util.List;

/**
 * One decoded frame of the protocol (docs/protocol.md). Records, so tests compare them by value;
 * byte arrays are compared by content in {@link EventFrame} and {@link ResultFrame}.
 */
public sealed interface Frame {
  byte HELLO = 0x01;
  byte WELCOME = 0x02;
  byte EVENT = 0x03;
  byte RESULT = 0x04;
  byte ERROR = 0x05;
  byte PING = 0x06;
  byte PONG = 0x07;
  byte GOAWAY = 0x08;

  /** "SLCE": the first four bytes of a HELLO body. */
  int MAGIC = 0x534C4345;
  /** The protocol versions this implementation speaks. */
  int VERSION = 1;
  /** Bytes after the length field that every frame has: type, flags, correlation id. */
  int HEADER_BYTES = 6;
  /** An absent optional string is written with this length. */
  int ABSENT = 0xFFFF;

  /** The correlation id; 0 for frames about the whole connection. */
  int correlationId();

  /** Authentication methods of a HELLO. */
  enum Auth {
    NONE, PASSWORD
  }

  record Hello(int minVersion, int maxVersion, Auth auth, String username, String password)
      implements Frame {
    @Override
    public int correlationId() {
      return 0;
    }

    @Override
    public String toString() {
      return "Hello[" + minVersion + ".." + maxVersion + ", " + auth + ", user=" + username
          + "]";
    }
  }

  record Welcome(int version, long idleTimeoutMillis, long maxFrameBytes, String principal,
      String server) implements Frame {
    @Override
    public int correlationId() {
      return 0;
    }
  }

  /**
   * An event as it is on the wire: attribute names and values in wire order (so a frame
   * re-encodes byte for byte), not yet checked against CloudEvents.
   */
  record EventFrame(int correlationId, long timeoutMillis, List<String> attributes, byte[] data)
      implements Frame {
    /** The value of attribute {@code name}, or null. */
    public String attribute(String name) {
      for (int i = 0; i < attributes.size(); i += 2) {
        if (attributes.get(i).equals(name)) {
          return attributes.get(i + 1);
        }
      }
      return null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof EventFrame f && f.correlationId == correlationId
          && f.timeoutMillis == timeoutMillis && f.attributes.equals(attributes)
          && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
      return correlationId;
    }

    @Override
    public String toString() {
      return "EventFrame[" + correlationId + ", " + attributes + ", data=" + data.length + "]";
    }
  }

  record ResultFrame(int correlationId, Status status, String eventId, String contentType,
      String code, String message, byte[] data) implements Frame {
    @Override
    public boolean equals(Object o) {
      return o instanceof ResultFrame f && f.correlationId == correlationId
          && f.status == status && f.eventId.equals(eventId)
          && java.util.Objects.equals(f.contentType, contentType)
          && java.util.Objects.equals(f.code, code)
          && java.util.Objects.equals(f.message, message) && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
      return correlationId;
    }

    @Override
    public String toString() {
      return "ResultFrame[" + correlationId + ", " + status + ", " + eventId + ", code=" + code
          + ", data=" + data.length + "]";
    }
  }

  record ErrorFrame(int correlationId, ErrorCode code, String message) implements Frame {
  }

  record Ping(long payload) implements Frame {
    @Override
    public int correlationId() {
      return 0;
    }
  }

  record Pong(long payload) implements Frame {
    @Override
    public int correlationId() {
      return 0;
    }
  }

  record GoAway(int lastCorrelationId, String message) implements Frame {
    @Override
    public int correlationId() {
      return 0;
    }
  }
}
