package dev.sluice.store.jdbc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events and results as JSON documents (CloudEvents attribute names, data in base64), and the
 * fixed-length key an event is stored under. Pure functions; thread-safe.
 */
public final class EventCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventCodec() {
  }

  /** SHA-256 of the length-prefixed source and id, in hex: 64 characters whatever their size. */
  public static String storageKey(EventKey key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] source = key.source().getBytes(StandardCharsets.UTF_8);
      digest.update(Integer.toString(source.length).getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) ':');
      digest.update(source);
      digest.update(key.id().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public static byte[] encode(Event event) {
    ObjectNode node = JSON.createObjectNode();
    node.put("specversion", event.specVersion());
    node.put("id", event.id());
    node.put("source", event.source());
    node.put("type", event.type());
    event.subject().ifPresent(v -> node.put("subject", v));
    event.time().ifPresent(v -> node.put("time", v.toString()));
    event.dataContentType().ifPresent(v -> node.put("datacontenttype", v));
    event.dataSchema().ifPresent(v -> node.put("dataschema", v));
    if (!event.extensions().isEmpty()) {
      ObjectNode ext = node.putObject("extensions");
      event.extensions().forEach(ext::put);
    }
    if (event.hasData()) {
      node.put("data_base64", event.data());
    }
    return bytes(node);
  }

  public static Event decodeEvent(byte[] stored) {
    JsonNode node = tree(stored);
    Event.Builder b = Event.builder()
        .id(node.path("id").textValue())
        .source(node.path("source").textValue())
        .type(node.path("type").textValue())
        .subject(text(node, "subject"))
        .dataContentType(text(node, "datacontenttype"))
        .dataSchema(text(node, "dataschema"));
    String time = text(node, "time");
    if (time != null) {
      b.time(OffsetDateTime.parse(time));
    }
    JsonNode ext = node.path("extensions");
    for (Iterator<Map.Entry<String, JsonNode>> it = ext.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      b.extension(e.getKey(), e.getValue().textValue());
    }
    if (node.has("data_base64")) {
      b.data(binary(node, "data_base64"));
    }
    return b.build();
  }

  public static byte[] encode(Result result) {
    ObjectNode node = JSON.createObjectNode();
    node.put("eventid", result.eventId());
    node.put("status", result.status().name());
    result.dataContentType().ifPresent(v -> node.put("datacontenttype", v));
    result.errorCode().ifPresent(v -> node.put("code", v));
    result.errorMessage().ifPresent(v -> node.put("message", v));
    if (result.hasData()) {
      node.put("data_base64", result.data());
    }
    return bytes(node);
  }

  public static Result decodeResult(byte[] stored) {
    JsonNode node = tree(stored);
    return Result.of(node.path("eventid").textValue(),
        Status.valueOf(node.path("status").textValue()),
        node.has("data_base64") ? binary(node, "data_base64") : null,
        text(node, "datacontenttype"), text(node, "code"), text(node, "message"));
  }

  public static String encodeRoles(Set<String> roles) {
    return JSON.valueToTree(new ArrayList<>(new java.util.TreeSet<>(roles))).toString();
  }

  public static Set<String> decodeRoles(String stored) {
    List<String> roles = new ArrayList<>();
    tree(stored.getBytes(StandardCharsets.UTF_8)).forEach(n -> roles.add(n.textValue()));
    return Set.copyOf(roles);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.textValue();
  }

  private static byte[] binary(JsonNode node, String field) {
    try {
      return node.get(field).binaryValue();
    } catch (IOException e) {
      throw new IllegalStateException("stored " + field + " is not base64", e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode tree(byte[] stored) {
    try {
      return JSON.readTree(stored);
    } catch (IOException e) {
      throw new IllegalStateException("a stored document is not valid JSON; was the row written"
          + " by something other than Sluice?", e);
    }
  }
}
