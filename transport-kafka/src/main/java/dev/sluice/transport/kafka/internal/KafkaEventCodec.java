package dev.sluice.transport.kafka.internal;

import static dev.sluice.transport.kafka.KafkaHeaders.CE_PREFIX;
import static dev.sluice.transport.kafka.KafkaHeaders.CONTENT_TYPE;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.transport.kafka.KafkaHeaders;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents Kafka protocol binding: binary mode (attributes in {@code ce_} headers, the
 * data content type in {@code content-type}, the data as the record value, the partition key as
 * the record key) both ways, and structured mode ({@code application/cloudevents+json}) on
 * decoding. Decoding validates as strictly as any frame and reports every problem at once.
 */
public final class KafkaEventCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC_VERSION = "specversion";

  private KafkaEventCodec() {
  }

  /** The headers of {@code event} in binary mode (without the record key). */
  public static Headers encodeHeaders(Event event) {
    RecordHeaders h = new RecordHeaders();
    put(h, CE_PREFIX + SPEC_VERSION, event.specVersion());
    put(h, CE_PREFIX + "id", event.id());
    put(h, CE_PREFIX + "source", event.source());
    put(h, CE_PREFIX + "type", event.type());
    event.subject().ifPresent(v -> put(h, CE_PREFIX + "subject", v));
    event.time().ifPresent(v -> put(h, CE_PREFIX + "time", formatTime(v)));
    event.dataSchema().ifPresent(v -> put(h, CE_PREFIX + "dataschema", v));
    for (Map.Entry<String, String> e : event.extensions().entrySet()) {
      put(h, CE_PREFIX + e.getKey(), e.getValue());
    }
    event.dataContentType().ifPresent(v -> put(h, CONTENT_TYPE, v));
    return h;
  }

  /** The record key: the partition key in UTF-8, or null. */
  public static byte[] encodeKey(Event event) {
    return event.partitionKey().map(k -> k.getBytes(UTF_8)).orElse(null);
  }

  /** The record value: the data, or null when there is none. */
  public static byte[] encodeValue(Event event) {
    return event.hasData() ? event.data() : null;
  }

  /**
   * The event's size as the server measures it: the value, plus the name and value of every
   * {@code ce_} and {@code content-type} header. Other headers (reply topic, correlation id)
   * are the transport's, not the event's.
   */
  public static long size(Headers headers, byte[] value) {
    long n = value == null ? 0 : value.length;
    for (Header header : headers) {
      String key = header.key();
      if (key.startsWith(CE_PREFIX) || key.equalsIgnoreCase(CONTENT_TYPE)) {
        n += key.length() + (header.value() == null ? 0 : header.value().length);
      }
    }
    return n;
  }

  /** {@link #size(Headers, byte[])} of the record {@code event} encodes to. */
  public static long size(Event event) {
    return size(encodeHeaders(event), encodeValue(event));
  }

  /**
   * Decodes a record in binary or structured mode.
   *
   * @throws InvalidEventException listing every problem
   */
  public static Event decode(byte[] key, Headers headers, byte[] value) {
    String contentType = lastText(headers, CONTENT_TYPE);
    if (contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith(KafkaHeaders.STRUCTURED_JSON)) {
      return decodeStructured(key, value);
    }
    List<String> problems = new ArrayList<>(0);
    Event.Builder b = Event.builder();
    String specVersion = null;
    boolean partitionKey = false;
    for (Header header : headers) {
      String name = header.key();
      if (!name.startsWith(CE_PREFIX)) {
        continue;
      }
      String attribute = name.substring(CE_PREFIX.length()).toLowerCase(Locale.ROOT);
      String text = header.value() == null ? "" : new String(header.value(), UTF_8);
      switch (attribute) {
        case SPEC_VERSION -> specVersion = text;
        case "datacontenttype" -> {
          if (contentType == null) {
            b.dataContentType(text);
          }
        }
        case "data", "data_base64" -> problems.add("'" + name + "' is not an attribute: in "
            + "binary mode the data is the record value");
        default -> {
          if (attribute.equals(Event.PARTITION_KEY)) {
            partitionKey = true;
          }
          attribute(b, attribute, text, problems);
        }
      }
    }
    if (specVersion == null) {
      problems.add("'specversion' is missing: send the header ce_specversion: 1.0");
    } else if (!Event.SPEC_VERSION.equals(specVersion)) {
      problems.add("'specversion' must be " + Event.SPEC_VERSION + " but was " + specVersion);
    }
    if (contentType != null) {
      b.dataContentType(contentType);
    }
    if (!partitionKey && key != null) {
      b.partitionKey(new String(key, UTF_8));
    }
    b.data(value);
    return build(b, problems);
  }

  private static Event decodeStructured(byte[] key, byte[] value) {
    JsonNode root;
    try {
      root = value == null ? null : JSON.readTree(value);
    } catch (java.io.IOException e) {
      throw new InvalidEventException(List.of("a structured-mode event must be a JSON object: "
          + firstLine(e.getMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException(List.of("a structured-mode event must be a JSON object"));
    }
    List<String> problems = new ArrayList<>(0);
    Event.Builder b = Event.builder();
    JsonNode spec = root.get(SPEC_VERSION);
    if (spec == null) {
      problems.add("'specversion' is missing");
    } else if (!Event.SPEC_VERSION.equals(spec.asText())) {
      problems.add("'specversion' must be " + Event.SPEC_VERSION + " but was " + spec.asText());
    }
    JsonNode data = null;
    JsonNode dataBase64 = null;
    boolean partitionKey = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode v = field.getValue();
      switch (name) {
        case SPEC_VERSION -> { }
        case "data" -> data = v;
        case "data_base64" -> dataBase64 = v;
        default -> {
          if (v.isNull()) {
            continue;
          }
          if (!v.isValueNode()) {
            problems.add("'" + name + "' must be a string, number or boolean");
            continue;
          }
          if (name.equals(Event.PARTITION_KEY)) {
            partitionKey = true;
          }
          attribute(b, name, v.asText(), problems);
        }
      }
    }
    if (data != null && dataBase64 != null) {
      problems.add("'data' and 'data_base64' cannot both be present");
    } else if (dataBase64 != null) {
      try {
        b.data(Base64.getDecoder().decode(dataBase64.asText()));
      } catch (IllegalArgumentException e) {
        problems.add("'data_base64' is not valid base64: " + e.getMessage());
      }
    } else if (data != null && !data.isNull()) {
      try {
        b.data(data.isTextual() ? data.asText().getBytes(UTF_8) : JSON.writeValueAsBytes(data));
      } catch (JsonProcessingException e) {
        problems.add("'data' could not be read: " + e.getOriginalMessage());
      }
    }
    if (!partitionKey && key != null) {
      b.partitionKey(new String(key, UTF_8));
    }
    return build(b, problems);
  }

  private static void attribute(Event.Builder b, String attribute, String text,
      List<String> problems) {
    switch (attribute) {
      case "id" -> b.id(text);
      case "source" -> b.source(text);
      case "type" -> b.type(text);
      case "subject" -> b.subject(text);
      case "dataschema" -> b.dataSchema(text);
      case "datacontenttype" -> b.dataContentType(text);
      case "time" -> {
        try {
          b.time(OffsetDateTime.parse(text));
        } catch (DateTimeParseException e) {
          problems.add("'time' must be an RFC 3339 timestamp such as 2026-11-27T10:15:30Z but "
              + "was '" + text + "'");
        }
      }
      default -> b.extension(attribute, text);
    }
  }

  private static Event build(Event.Builder b, List<String> problems) {
    Event event;
    try {
      event = b.build();
    } catch (InvalidEventException e) {
      if (problems.isEmpty()) {
        throw e;
      }
      List<String> all = new ArrayList<>(problems);
      all.addAll(e.problems());
      throw new InvalidEventException(all);
    }
    if (!problems.isEmpty()) {
      throw new InvalidEventException(problems);
    }
    return event;
  }

  /** RFC 3339 with seconds always present ({@code OffsetDateTime.toString} may drop them). */
  static String formatTime(OffsetDateTime time) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
  }

  /** The last header named {@code name} as UTF-8 text, or null. */
  public static String lastText(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
  }

  static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(UTF_8));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
