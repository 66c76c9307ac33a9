package dev.sluice.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable event following the CloudEvents 1.0 attributes.
 *
 * <pre>{@code
 * Event event = Event.builder()
 *     .id("42")
 *     .source("/orders/web")
 *     .type("orders.created")
 *     .partitionKey("customer-7")            // ordering key
 *     .data("{\"total\": 12}", "application/json")
 *     .build();
 * }</pre>
 *
 * <p>{@code id}, {@code source} and {@code type} are required; {@code (source, id)} identifies
 * an event, so a repeat with the same pair is the same event. Extensions are lower-case ASCII
 * letters and digits, as the specification requires; their values are kept in their canonical
 * string form. {@link #PARTITION_KEY} is the ordering key: events with the same key can be
 * processed in order.
 *
 * <p>Instances are thread-safe. {@link #data()} returns a copy; {@link #dataBuffer()} a read-only
 * view without copying.
 */
public final class Event {
  /** The only CloudEvents specification version Sluice speaks. */
  public static final String SPEC_VERSION = "1.0";
  /** The CloudEvents Partitioning extension: the ordering key. */
  public static final String PARTITION_KEY = "partitionkey";

  private static final byte[] NO_DATA = new byte[0];
  private static final Set<String> CONTEXT_ATTRIBUTES =
      Set.of("id", "source", "type", "specversion", "subject", "time", "datacontenttype",
          "dataschema", "data", "data_base64");

  private final String id;
  private final String source;
  private final String type;
  private final String subject;
  private final OffsetDateTime time;
  private final String dataContentType;
  private final String dataSchema;
  private final byte[] data;
  private final Map<String, String> extensions;
  /** {@link #key()}, made once: it is looked up several times per event. */
  private EventKey key;

  private Event(Builder b) {
    this.id = b.id;
    this.source = b.source;
    this.type = b.type;
    this.subject = b.subject;
    this.time = b.time;
    this.dataContentType = b.dataContentType;
    this.dataSchema = b.dataSchema;
    this.data = b.data;
    this.extensions = b.extensions == null || b.extensions.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(b.extensions));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every attribute of this event, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.source = source;
    b.type = type;
    b.subject = subject;
    b.time = time;
    b.dataContentType = dataContentType;
    b.dataSchema = dataSchema;
    b.data = data;
    if (!extensions.isEmpty()) {
      b.extensions = new TreeMap<>(extensions);
    }
    return b;
  }

  public String id() {
    return id;
  }

  public String source() {
    return source;
  }

  public String type() {
    return type;
  }

  public String specVersion() {
    return SPEC_VERSION;
  }

  public Optional<String> subject() {
    return Optional.ofNullable(subject);
  }

  public Optional<OffsetDateTime> time() {
    return Optional.ofNullable(time);
  }

  public Optional<String> dataContentType() {
    return Optional.ofNullable(dataContentType);
  }

  public Optional<String> dataSchema() {
    return Optional.ofNullable(dataSchema);
  }

  /** A copy of the data; empty when the event has none. */
  public byte[] data() {
    return data.length == 0 ? NO_DATA : data.clone();
  }

  /** A read-only view of the data, without copying. */
  public ByteBuffer dataBuffer() {
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }

  /** The data decoded as UTF-8. */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  public int dataLength() {
    return data.length;
  }

  public boolean hasData() {
    return data.length > 0;
  }

  /** Extensions by name, sorted; never {@code null}. */
  public Map<String, String> extensions() {
    return extensions;
  }

  public Optional<String> extension(String name) {
    return Optional.ofNullable(extensions.get(name));
  }

  /** The ordering key ({@value #PARTITION_KEY} extension), if any. */
  public Optional<String> partitionKey() {
    return extension(PARTITION_KEY);
  }

  /** {@code (source, id)}: what identifies this event. */
  public EventKey key() {
    EventKey k = key;
    if (k == null) {
      k = new EventKey(source, id);
      key = k; // racy but safe: EventKey is immutable, so any thread may compute it
    }
    return k;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Event)) {
      return false;
    }
    Event e = (Event) o;
    return id.equals(e.id) && source.equals(e.source) && type.equals(e.type)
        && Objects.equals(subject, e.subject) && Objects.equals(time, e.time)
        && Objects.equals(dataContentType, e.dataContentType)
        && Objects.equals(dataSchema, e.dataSchema) && Arrays.equals(data, e.data)
        && extensions.equals(e.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, source, type);
  }

  /** Attributes only; the data is summarised by its length so logs never carry payloads. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Event{id=").append(id)
        .append(", source=").append(source)
        .append(", type=").append(type);
    if (subject != null) {
      sb.append(", subject=").append(subject);
    }
    if (dataContentType != null) {
      sb.append(", datacontenttype=").append(dataContentType);
    }
    if (!extensions.isEmpty()) {
      sb.append(", extensions=").append(extensions);
    }
    return sb.append(", data=").append(data.length).append(" bytes}").toString();
  }

  /** Builds an {@link Event}; {@link #build()} rejects a missing id, source or type. */
  public static final class Builder {
    private String id;
    private String source;
    private String type;
    private String subject;
    private OffsetDateTime time;
    private String dataContentType;
    private String dataSchema;
    private byte[] data = NO_DATA;
    /** Made at the first extension: most events have none. */
    private Map<String, String> extensions;

    private Builder() {
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Builder type(String type) {
      this.type = type;
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Builder time(OffsetDateTime time) {
      this.time = time;
      return this;
    }

    public Builder dataContentType(String contentType) {
      this.dataContentType = contentType;
      return this;
    }

    public Builder dataSchema(String dataSchema) {
      this.dataSchema = dataSchema;
      return this;
    }

    /** Sets the data (copied) and leaves the content type as it is. */
    public Builder data(byte[] data) {
      this.data = data == null || data.length == 0 ? NO_DATA : data.clone();
      return this;
    }

    public Builder data(byte[] data, String contentType) {
      return data(data).dataContentType(contentType);
    }

    /** Sets the data as UTF-8 text with its content type. */
    public Builder data(String text, String contentType) {
      return data(text == null ? null : text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    /** Sets an extension; a {@code null} value removes it. */
    public Builder extension(String name, String value) {
      if (value == null) {
        if (extensions != null) {
          extensions.remove(name);
        }
      } else {
        if (extensions == null) {
          extensions = new TreeMap<>();
        }
        extensions.put(name, value);
      }
      return this;
    }

    public Builder partitionKey(String key) {
      return extension(PARTITION_KEY, key);
    }

    /** Validates and builds. */
    public Event build() {
      List<String> problems = new ArrayList<>(0);
      requireText("id", id, problems);
      requireText("source", source, problems);
      requireText("type", type, problems);
      for (String name : extensions == null ? Set.<String>of() : extensions.keySet()) {
        if (!isValidExtensionName(name)) {
          problems.add("extension name '" + name
              + "' must be 1 or more lower-case ASCII letters or digits");
        } else if (CONTEXT_ATTRIBUTES.contains(name)) {
          problems.add("extension name '" + name + "' is a reserved CloudEvents attribute");
        }
      }
      if (dataContentType != null && dataContentType.isBlank()) {
        problems.add("'datacontenttype' must not be blank when present");
      }
      if (!problems.isEmpty()) {
        throw new InvalidEventException(problems);
      }
      return new Event(this);
    }

    private static void requireText(String name, String value, List<String> problems) {
      if (value == null) {
        problems.add("'" + name + "' is missing");
      } else if (value.isEmpty()) {
        problems.add("'" + name + "' is empty");
      }
    }

    private static boolean isValidExtensionName(String name) {
      if (name == null || name.isEmpty()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
          return false;
        }
      }
      return true;
    }
  }
}
