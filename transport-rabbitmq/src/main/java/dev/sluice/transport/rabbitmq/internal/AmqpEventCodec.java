package dev.sluice.transport.rabbitmq.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.transport.rabbitmq.RabbitMqHeaders;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Events, replies and dead letters as AMQP 0-9-1 messages, following the CloudEvents AMQP
 * binding (binary mode out; binary or structured JSON in). Stateless and thread-safe.
 */
public final class AmqpEventCodec {
  static final String CONTENT_TYPE = "content_type";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PREFIX_LENGTH = RabbitMqHeaders.CE_PREFIX.length();

  private AmqpEventCodec() {
  }

  /** The properties of an event in binary mode: content type and cloudEvents: headers. */
  public static AMQP.BasicProperties.Builder encode(Event event, boolean persistent) {
    Map<String, Object> headers = new HashMap<>();
    put(headers, "specversion", event.specVersion());
    put(headers, "id", event.id());
    put(headers, "source", event.source());
    put(headers, "type", event.type());
    event.subject().ifPresent(v -> put(headers, "subject", v));
    event.time().ifPresent(v -> put(headers, "time", v.toString()));
    event.dataSchema().ifPresent(v -> put(headers, "dataschema", v));
    event.extensions().forEach((k, v) -> put(headers, k, v));
    return new AMQP.BasicProperties.Builder()
        .contentType(event.dataContentType().orElse(null))
        .messageId(event.id())
        .deliveryMode(persistent ? 2 : 1)
        .headers(headers);
  }

  private static void put(Map<String, Object> headers, String attribute, String value) {
    headers.put(RabbitMqHeaders.CE_PREFIX + attribute, value);
  }

  /**
   * The size this transport limits: the body plus the UTF-8 names and values of the
   * cloudEvents: headers and the content type.
   */
  public static long size(AMQP.BasicProperties props, byte[] body) {
    long n = body.length;
    if (props.getContentType() != null) {
      n += utf8(props.getContentType());
    }
    Map<String, Object> headers = props.getHeaders();
    if (headers != null) {
      for (Map.Entry<String, Object> e : headers.entrySet()) {
        if (isCloudEventsHeader(e.getKey())) {
          n += utf8(e.getKey()) + valueBytes(e.getValue());
        }
      }
    }
    return n;
  }

  private static long valueBytes(Object value) {
    if (value instanceof LongString ls) {
      return ls.length();
    }
    if (value instanceof byte[] b) {
      return b.length;
    }
    return value == null ? 0 : utf8(value.toString());
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static boolean isCloudEventsHeader(String name) {
    return name.startsWith(RabbitMqHeaders.CE_PREFIX)
        || name.startsWith(RabbitMqHeaders.CE_PREFIX_ALT);
  }

  /**
   * The event in a message, binary or structured.
   *
   * @throws MalformedMessageException naming every problem, or TOO_LARGE
   */
  public static Event decode(AMQP.BasicProperties props, byte[] body, int maxBytes)
      throws MalformedMessageException {
    String claimedId = claimedId(props);
    long size = size(props, body);
    if (size > maxBytes) {
      throw new MalformedMessageException("TOO_LARGE", "the event is " + size
          + " bytes, over the limit of " + maxBytes
          + " bytes (transport.rabbitmq.max-event-bytes); send less data", claimedId);
    }
    String contentType = props.getContentType();
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).trim()
        .startsWith(RabbitMqHeaders.STRUCTURED_JSON)) {
      return decodeStructured(body);
    }
    return decodeBinary(props, body, claimedId);
  }

  /** The id a message claims (header, else message_id), for replies to bad messages. */
  static String claimedId(AMQP.BasicProperties props) {
    Map<String, Object> headers = props.getHeaders();
    if (headers != null) {
      Object id = headers.get(RabbitMqHeaders.CE_PREFIX + "id");
      if (id == null) {
        id = headers.get(RabbitMqHeaders.CE_PREFIX_ALT + "id");
      }
      if (id instanceof LongString || id instanceof String) {
        return id.toString();
      }
    }
    return props.getMessageId() == null ? "" : props.getMessageId();
  }

  private static Event decodeBinary(AMQP.BasicProperties props, byte[] body, String claimedId)
      throws MalformedMessageException {
    List<String> problems = new ArrayList<>();
    Map<String, String> attributes = new LinkedHashMap<>();
    Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    for (Map.Entry<String, Object> e : headers.entrySet()) {
      if (!isCloudEventsHeader(e.getKey())) {
        continue;
      }
      String name = e.getKey().substring(PREFIX_LENGTH);
      Object value = e.getValue();
      if (value instanceof LongString || value instanceof String) {
        attributes.put(name, value.toString());
      } else if (value instanceof byte[] bytes) {
        attributes.put(name, new String(bytes, StandardCharsets.UTF_8));
      } else if (value instanceof Date date && name.equals("time")) {
        attributes.put(name, date.toInstant().atOffset(ZoneOffset.UTC).toString());
      } else if (value instanceof Number || value instanceof Boolean) {
        attributes.put(name, value.toString());
      } else {
        problems.add("'" + name + "' must be a string, got "
            + (value == null ? "void" : value.getClass().getSimpleName()));
      }
    }
    if (props.getContentType() != null) {
      attributes.put("datacontenttype", props.getContentType());
    }
    return build(attributes, body, problems, claimedId);
  }

  private static Event decodeStructured(byte[] body) throws MalformedMessageException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new MalformedMessageException("MALFORMED", "the body is not valid JSON ("
          + firstLine(e.getMessage()) + "); a structured event is one JSON object", "");
    }
    if (!(root instanceof ObjectNode object)) {
      throw new MalformedMessageException("MALFORMED",
          "a structured event must be a JSON object", "");
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode data = null;
    JsonNode dataBase64 = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode value = e.getValue();
      if (name.equals("data")) {
        data = value;
      } else if (name.equals("data_base64")) {
        dataBase64 = value;
      } else if (value.isTextual()) {
        attributes.put(name, value.textValue());
      } else if (value.isNumber() || value.isBoolean()) {
        attributes.put(name, value.asText());
      } else if (!value.isNull()) {
        problems.add("'" + name + "' must be a string, got " + value.getNodeType());
      }
    }
    String id = attributes.getOrDefault("id", "");
    byte[] bytes = new byte[0];
    if (data != null && dataBase64 != null) {
      problems.add("'data' and 'data_base64' must not both be present");
    } else if (dataBase64 != null) {
      try {
        bytes = Base64.getDecoder().decode(dataBase64.asText());
      } catch (IllegalArgumentException e) {
        problems.add("'data_base64' is not valid base64: " + e.getMessage());
      }
    } else if (data != null && !data.isNull()) {
      String ct = attributes.get("datacontenttype");
      if (!isJson(ct) && data.isTextual()) {
        bytes = data.textValue().getBytes(StandardCharsets.UTF_8);
      } else {
        try {
          bytes = JSON.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
          problems.add("'data' could not be written as JSON: " + e.getOriginalMessage());
        }
      }
    }
    return build(attributes, bytes, problems, id);
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return true;
    }
    String ct = contentType.toLowerCase(Locale.ROOT);
    int semi = ct.indexOf(';');
    String base = (semi < 0 ? ct : ct.substring(0, semi)).trim();
    return base.equals("application/json") || base.endsWith("+json") || base.equals("text/json");
  }

  private static Event build(Map<String, String> attributes, byte[] data, List<String> problems,
      String claimedId) throws MalformedMessageException {
    String spec = attributes.get("specversion");
    if (!Event.SPEC_VERSION.equals(spec)) {
      problems.add("'specversion' must be " + Event.SPEC_VERSION + " but was "
          + (spec == null ? "missing" : "'" + spec + "'"));
    }
    Event.Builder b = Event.builder().data(data);
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String s = e.getValue();
      switch (e.getKey()) {
        case "id" -> b.id(s);
        case "source" -> b.source(s);
        case "type" -> b.type(s);
        case "subject" -> b.subject(s);
        case "datacontenttype" -> b.dataContentType(s);
        case "dataschema" -> b.dataSchema(s);
        case "time" -> {
          try {
            b.time(OffsetDateTime.parse(s));
          } catch (DateTimeParseException ex) {
            problems.add("'time' must be an RFC 3339 timestamp but was '" + s + "'");
          }
        }
        case "specversion" -> { }
        default -> b.extension(e.getKey(), s);
      }
    }
    try {
      Event event = b.build();
      if (problems.isEmpty()) {
        return event;
      }
    } catch (InvalidEventException ex) {
      problems.addAll(ex.problems());
    }
    throw new MalformedMessageException("MALFORMED", "invalid event: "
        + String.join("; ", problems), claimedId);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A reply: the result's data as body, its status, id and failure in headers. */
  public static AMQP.BasicProperties replyProperties(Result result, String correlationId) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(RabbitMqHeaders.STATUS, result.status().name());
    headers.put(RabbitMqHeaders.EVENT_ID, result.eventId());
    result.errorCode().ifPresent(c -> headers.put(RabbitMqHeaders.ERROR_CODE, c));
    result.errorMessage().ifPresent(m -> headers.put(RabbitMqHeaders.ERROR_MESSAGE, m));
    return new AMQP.BasicProperties.Builder()
        .correlationId(correlationId)
        .contentType(result.dataContentType().orElse(null))
        .deliveryMode(1)
        .headers(headers)
        .build();
  }

  /** The result in a reply; a reply without a known status is an ERROR naming the problem. */
  public static Result decodeReply(AMQP.BasicProperties props, byte[] body, String eventId) {
    Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    Object statusValue = headers.get(RabbitMqHeaders.STATUS);
    Status status;
    try {
      status = Status.valueOf(String.valueOf(statusValue));
    } catch (IllegalArgumentException e) {
      return Result.error(eventId, "MALFORMED_REPLY", "the reply's " + RabbitMqHeaders.STATUS
          + " header is " + statusValue + ", not a status; is another program answering on"
          + " this queue?");
    }
    String code = text(headers.get(RabbitMqHeaders.ERROR_CODE));
    String message = text(headers.get(RabbitMqHeaders.ERROR_MESSAGE));
    if (status != Status.OK && code == null) {
      code = status.name();
    }
    String id = text(headers.get(RabbitMqHeaders.EVENT_ID));
    return Result.of(id == null || id.isEmpty() ? eventId : id, status, body,
        props.getContentType(), status == Status.OK ? null : code,
        status == Status.OK ? null : message);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /** The original message's properties with the failure added to its headers. */
  public static AMQP.BasicProperties deadLetterProperties(AMQP.BasicProperties original,
      Result failure, String queue, String server) {
    Map<String, Object> headers = new HashMap<>();
    if (original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    headers.put(RabbitMqHeaders.STATUS, failure.status().name());
    headers.put(RabbitMqHeaders.ERROR_CODE, failure.errorCode().orElse(failure.status().name()));
    headers.put(RabbitMqHeaders.ERROR_MESSAGE, failure.errorMessage().orElse(""));
    headers.put(RabbitMqHeaders.DEAD_QUEUE, queue);
    headers.put(RabbitMqHeaders.DEAD_SERVER, server);
    headers.put(RabbitMqHeaders.DEAD_AT, OffsetDateTime.now(ZoneOffset.UTC).toString());
    return original.builder().headers(headers).deliveryMode(2).expiration(null).build();
  }
}
