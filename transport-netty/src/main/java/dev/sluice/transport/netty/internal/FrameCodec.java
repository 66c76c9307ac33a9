package dev.sluice.transport.netty.internal;

import dev.sluice.event.Status;
import dev.sluice.transport.netty.internal.Frame.ErrorFrame;
import dev.sluice.transport.netty.internal.Frame.EventFrame;
import dev.sluice.transport.netty.internal.Frame.GoAway;
import dev.sluice.transport.netty.internal.Frame.Hello;
import dev.sluice.transport.netty.internal.Frame.Ping;
import dev.sluice.transport.netty.internal.Frame.Pong;
import dev.sluice.transport.netty.internal.Frame.ResultFrame;
import dev.sluice.transport.netty.internal.Frame.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes frame bodies exactly as docs/protocol.md specifies. Stateless; the
 * {@link FrameDecoder} and {@link FrameEncoder} handlers wrap it, and the test vectors, the
 * fuzz test and the raw echo benchmark call it directly.
 */
public final class FrameCodec {
  /** The CloudEvents attribute names, most frequent first: decoded without a new string. */
  private static final String[] KNOWN_NAMES = {"id", "source", "type", "specversion",
      "datacontenttype", "subject", "time", "dataschema"};
  private static final byte[][] KNOWN_NAME_BYTES = new byte[KNOWN_NAMES.length][];

  static {
    for (int k = 0; k < KNOWN_NAMES.length; k++) {
      KNOWN_NAME_BYTES[k] = KNOWN_NAMES[k].getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** The {@link Status} of each wire value (its index): the protocol fixes them, not the enum. */
  private static final Status[] STATUS_BY_WIRE = {Status.OK, Status.ERROR, Status.REJECTED,
      Status.OVERLOADED, Status.UNAUTHORIZED, Status.INVALID, Status.TIMEOUT, Status.UNAVAILABLE};

  // a frame's byte order (big-endian, as ByteBuf reads it), over a byte array
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private FrameCodec() {
  }

  static int wireStatus(Status status) {
    for (int i = 0; i < STATUS_BY_WIRE.length; i++) {
      if (STATUS_BY_WIRE[i] == status) {
        return i;
      }
    }
    throw new IllegalArgumentException("no wire value for " + status);
  }

  // ------------------------------------------------------------------------------- encoding

  /** Writes {@code frame}, length field included, to {@code out}. */
  public static void encode(Frame frame, ByteBuf out) {
    int start = out.writerIndex();
    out.writeInt(0); // length, patched below
    out.writeByte(type(frame));
    out.writeByte(0); // flags
    out.writeInt(frame.correlationId());
    if (frame instanceof EventFrame e) {
      out.writeInt((int) e.timeoutMillis());
      List<String> attributes = e.attributes();
      out.writeShort(attributes.size() / 2);
      for (int i = 0; i < attributes.size(); i += 2) {
        String name = attributes.get(i);
        out.writeByte(name.length());
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        writeString16(out, attributes.get(i + 1));
      }
      out.writeInt(e.data().length);
      out.writeBytes(e.data());
    } else if (frame instanceof ResultFrame r) {
      out.writeByte(wireStatus(r.status()));
      writeString16(out, r.eventId());
      writeOptional16(out, r.contentType());
      writeOptional16(out, r.code());
      writeOptional16(out, r.message());
      out.writeInt(r.data().length);
      out.writeBytes(r.data());
    } else if (frame instanceof Hello h) {
      out.writeInt(Frame.MAGIC);
      out.writeShort(h.minVersion());
      out.writeShort(h.maxVersion());
      out.writeByte(h.auth().ordinal());
      writeString16(out, h.username());
      writeString16(out, h.password());
    } else if (frame instanceof Welcome w) {
      out.writeShort(w.version());
      out.writeInt((int) w.idleTimeoutMillis());
      out.writeInt((int) w.maxFrameBytes());
      writeString16(out, w.principal());
      writeString16(out, w.server());
    } else if (frame instanceof ErrorFrame e) {
      out.writeShort(e.code().code());
      writeString16(out, e.message());
    } else if (frame instanceof Ping p) {
      out.writeLong(p.payload());
    } else if (frame instanceof Pong p) {
      out.writeLong(p.payload());
    } else if (frame instanceof GoAway g) {
      out.writeInt(g.lastCorrelationId());
      writeString16(out, g.message());
    }
    out.setInt(start, out.writerIndex() - start - 4);
  }

  static byte type(Frame frame) {
    if (frame instanceof EventFrame) {
      return Frame.EVENT;
    } else if (frame instanceof ResultFrame) {
      return Frame.RESULT;
    } else if (frame instanceof Hello) {
      return Frame.HELLO;
    } else if (frame instanceof Welcome) {
      return Frame.WELCOME;
    } else if (frame instanceof ErrorFrame) {
      return Frame.ERROR;
    } else if (frame instanceof Ping) {
      return Frame.PING;
    } else if (frame instanceof Pong) {
      return Frame.PONG;
    }
    return Frame.GOAWAY;
  }

  private static void writeString16(ByteBuf out, String value) {
    int lengthAt = out.writerIndex();
    out.writeShort(0);
    int written = ByteBufUtil.writeUtf8(out, value);
    if (written >= Frame.ABSENT) {
      throw new IllegalArgumentException("a string of " + written
          + " UTF-8 bytes does not fit a 16-bit length; the limit is 65534");
    }
    out.setShort(lengthAt, written);
  }

  private static void writeOptional16(ByteBuf out, String value) {
    if (value == null) {
      out.writeShort(Frame.ABSENT);
    } else {
      writeString16(out, value);
    }
  }

  // ------------------------------------------------------------------------------- decoding

  /**
   * Decodes one frame body: {@code body} holds everything after the length field (type, flags,
   * correlation id, fields) and nothing more.
   *
   * @throws ProtocolException naming what is wrong
   */
  public static Frame decode(ByteBuf body, Limits limits) {
    return decode(body, limits, null);
  }

  /**
   * As {@link #decode(ByteBuf, Limits)}, with the attribute values last seen on the connection,
   * so that a value that repeats (source, type, ...) is matched instead of decoded again.
   */
  static Frame decode(ByteBuf body, Limits limits, RepeatedValues repeated) {
    byte type = body.readByte();
    byte flags = body.readByte();
    int correlationId = body.readInt();
    if (flags != 0) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
          "flags must be 0 in this protocol version, got " + (flags & 0xFF));
    }
    Frame frame = switch (type) {
      case Frame.HELLO -> hello(body);
      case Frame.WELCOME -> new Welcome(u16(body, "version"), u32(body, "idle timeout"),
          u32(body, "max frame bytes"), string16(body, "principal", Integer.MAX_VALUE, 0),
          string16(body, "server", Integer.MAX_VALUE, 0));
      case Frame.EVENT -> event(body, correlationId, limits, repeated);
      case Frame.RESULT -> result(body, correlationId);
      case Frame.ERROR -> new ErrorFrame(correlationId, ErrorCode.of(u16(body, "error code")),
          string16(body, "message", Integer.MAX_VALUE, correlationId));
      case Frame.PING -> new Ping(i64(body, "ping payload"));
      case Frame.PONG -> new Pong(i64(body, "pong payload"));
      case Frame.GOAWAY -> new GoAway((int) u32(body, "last correlation id"),
          string16(body, "message", Integer.MAX_VALUE, 0));
      default -> throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
          "unknown frame type 0x" + Integer.toHexString(type & 0xFF));
    };
    if (body.isReadable()) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId, body.readableBytes()
          + " bytes left over after the fields of a " + frame.getClass().getSimpleName()
          + " frame; the length field must cover exactly the frame");
    }
    return frame;
  }

  private static Hello hello(ByteBuf body) {
    if (body.readableBytes() < 4 || body.readInt() != Frame.MAGIC) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, 0,
          "a HELLO starts with the magic bytes 53 4C 43 45 (\"SLCE\"); is this a Sluice client?");
    }
    int min = u16(body, "min version");
    int max = u16(body, "max version");
    int auth = u8(body, "auth method");
    if (auth >= Frame.Auth.values().length) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, 0,
          "unknown authentication method " + auth + "; 0 is none, 1 is password");
    }
    return new Hello(min, max, Frame.Auth.values()[auth], string16(body, "username", 1024, 0),
        string16(body, "password", 1024, 0));
  }

  private static EventFrame event(ByteBuf body, int correlationId, Limits limits,
      RepeatedValues repeated) {
    long timeout = u32(body, "timeout");
    int count = u16(body, "attribute count");
    if (count > limits.maxAttributes()) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ATTRIBUTES, correlationId, "the event has "
          + count + " attributes, over the limit of " + limits.maxAttributes()
          + " (the 8 CloudEvents attributes plus transport.netty.max-extensions); send fewer extensions");
    }
    List<String> attributes = new ArrayList<>(count * 2);
    for (int i = 0; i < count; i++) {
      String name = name(body, correlationId);
      attributes.add(name);
      int repeats = repeated == null ? -1 : RepeatedValues.slot(name);
      if (repeats < 0) {
        attributes.add(string16(body, name, limits.maxAttributeBytes(), correlationId));
      } else {
        attributes.add(repeatedValue(body, name, limits.maxAttributeBytes(), correlationId,
            repeated, repeats));
      }
    }
    return new EventFrame(correlationId, timeout, attributes, data(body, correlationId));
  }

  private static ResultFrame result(ByteBuf body, int correlationId) {
    int status = u8(body, "status");
    if (status >= STATUS_BY_WIRE.length) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
          "unknown result status " + status);
    }
    return new ResultFrame(correlationId, STATUS_BY_WIRE[status],
        string16(body, "event id", Integer.MAX_VALUE, correlationId),
        optional16(body, "datacontenttype", correlationId),
        optional16(body, "code", correlationId), optional16(body, "message", correlationId),
        data(body, correlationId));
  }

  private static byte[] data(ByteBuf body, int correlationId) {
    long length = u32(body, "data length");
    if (length != body.readableBytes()) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId, "the data length "
          + length + " does not match the " + body.readableBytes()
          + " bytes left in the frame");
    }
    byte[] data = new byte[(int) length];
    body.readBytes(data);
    return data;
  }

  private static String name(ByteBuf body, int correlationId) {
    int length = u8(body, "attribute name length");
    if (length == 0 || length > body.readableBytes()) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
          "attribute name length " + length + " is 0 or runs past the end of the frame");
    }
    int start = body.readerIndex();
    String name = knownName(body, start, length);
    if (name == null) {
      for (int i = 0; i < length; i++) {
        byte c = body.getByte(start + i);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
          throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
              "attribute names are lower-case ASCII letters and digits; byte " + i + " is 0x"
                  + Integer.toHexString(c & 0xFF));
        }
      }
      name = body.toString(start, length, StandardCharsets.US_ASCII);
    }
    body.skipBytes(length);
    return name;
  }

  /**
   * The CloudEvents attribute named by these bytes, as a constant (well-formed, so not checked
   * again), or null: an extension, or a malformed name.
   */
  private static String knownName(ByteBuf body, int start, int length) {
    byte first = body.getByte(start);
    for (int k = 0; k < KNOWN_NAMES.length; k++) {
      byte[] known = KNOWN_NAME_BYTES[k];
      if (known.length == length && known[0] == first && matches(body, start, known)) {
        return KNOWN_NAMES[k];
      }
    }
    return null;
  }

  /**
   * True when the bytes of {@code body} from {@code start} begin with {@code expected}. Compared
   * eight bytes at a time: each read of a frame's buffer goes through its slice and checks its
   * bounds, and byte by byte the repeated attributes of an event (about 70 bytes) cost 3 % of
   * the server's CPU at peak.
   */
  static boolean matches(ByteBuf body, int start, byte[] expected) {
    int length = expected.length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if (body.getLong(start + i) != (long) LONG.get(expected, i)) {
        return false;
      }
    }
    if (i + 4 <= length) {
      if (body.getInt(start + i) != (int) INT.get(expected, i)) {
        return false;
      }
      i += 4;
    }
    for (; i < length; i++) {
      if (body.getByte(start + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static String string16(ByteBuf body, String field, int limit, int correlationId) {
    return string16Checked(body, field, length16(body, field), limit, correlationId);
  }

  private static String string16Checked(ByteBuf body, String field, int length, int limit,
      int correlationId) {
    if (length == Frame.ABSENT) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
          "'" + field + "' is required; its length must not be 0xFFFF (absent)");
    }
    return utf8(body, field, length, limit, correlationId);
  }

  /** As {@link #string16}, answering a value equal to the last one of the slot with it. */
  private static String repeatedValue(ByteBuf body, String field, int limit, int correlationId,
      RepeatedValues repeated, int slot) {
    int length = length16(body, field);
    if (length == Frame.ABSENT || length > limit || length > body.readableBytes()) {
      return string16Checked(body, field, length, limit, correlationId);
    }
    String value = repeated.lookup(slot, body, body.readerIndex(), length);
    if (value != null) {
      body.skipBytes(length);
      return value;
    }
    int start = body.readerIndex();
    value = utf8(body, field, length, limit, correlationId);
    repeated.remember(slot, body, start, length, value);
    return value;
  }

  private static String optional16(ByteBuf body, String field, int correlationId) {
    int length = length16(body, field);
    return length == Frame.ABSENT ? null
        : utf8(body, field, length, Integer.MAX_VALUE, correlationId);
  }

  /** A field's 16-bit length; the error names the field (built only when it is raised). */
  private static int length16(ByteBuf body, String field) {
    if (body.readableBytes() < 2) {
      need(body, 2, field + " length");
    }
    return body.readUnsignedShort();
  }

  private static String utf8(ByteBuf body, String field, int length, int limit,
      int correlationId) {
    if (length > limit) {
      throw new ProtocolException(ErrorCode.ATTRIBUTE_TOO_LARGE, correlationId, "attribute '"
          + field + "' is " + length + " bytes, over the limit of " + limit
          + " bytes (transport.netty.max-attribute-bytes); shorten it or move it into the data");
    }
    if (length > body.readableBytes()) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId, "'" + field
          + "' claims " + length + " bytes but only " + body.readableBytes() + " are left");
    }
    int start = body.readerIndex();
    String s;
    if (isAscii(body, start, length)) {
      // ASCII is valid UTF-8 and decodes byte for byte: the usual id, source and type
      s = body.toString(start, length, StandardCharsets.ISO_8859_1);
    } else if (ByteBufUtil.isText(body, start, length, StandardCharsets.UTF_8)) {
      s = body.toString(start, length, StandardCharsets.UTF_8);
    } else {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, correlationId,
          "'" + field + "' is not valid UTF-8");
    }
    body.skipBytes(length);
    return s;
  }

  private static boolean isAscii(ByteBuf body, int start, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if ((body.getLong(start + i) & 0x8080808080808080L) != 0) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (body.getByte(start + i) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int u8(ByteBuf body, String field) {
    need(body, 1, field);
    return body.readUnsignedByte();
  }

  private static int u16(ByteBuf body, String field) {
    need(body, 2, field);
    return body.readUnsignedShort();
  }

  private static long u32(ByteBuf body, String field) {
    need(body, 4, field);
    return body.readUnsignedInt();
  }

  private static long i64(ByteBuf body, String field) {
    need(body, 8, field);
    return body.readLong();
  }

  private static void need(ByteBuf body, int bytes, String field) {
    if (body.readableBytes() < bytes) {
      throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, 0, "the frame ends before its "
          + field + " (" + bytes + " bytes needed, " + body.readableBytes() + " left)");
    }
  }

}
