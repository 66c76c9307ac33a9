package dev.sluice.security.internal.guard;

import com.networknt.schema.Error;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.SharedData;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an event against {@link ValidationRules}. Every check is a single pass over its input
 * (hand-written scans, a streaming JSON parser with a depth limit, schema patterns on a work
 * budget), so the time an event costs is bounded by its size. Thread-safe.
 *
 * <p>Attributes are checked first, in {@link #checkAttributes}, so that authorization can run on
 * a well-formed type before any time is spent on the data in {@link #checkData}.
 */
public final class EventValidator {
  private static final int MAX_ERRORS_SHOWN = 3;

  private final ValidationRules rules;
  /**
   * Per thread: the attribute values it last found valid under these rules, and the media type
   * of the content type it last asked about.
   */
  private final ThreadLocal<LastValid> lastValid = ThreadLocal.withInitial(LastValid::new);
  /** Parsers for the well-formedness scan, made without a mapper's per-call context. */
  private final JsonFactory factory;
  private final JsonMapper json;

  public EventValidator(ValidationRules rules) {
    this.rules = rules;
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            // the data size is checked before parsing, per type; depth is the limit that
            // matters for a recursive consumer, numbers and strings keep Jackson's defaults
            .maxNestingDepth(rules.jsonMaxDepth())
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // events are checked on a few long-lived threads (event loops, consumers): a buffer
        // per thread, instead of the default shared deque that every parser takes from and
        // gives back to
        .recyclerPool(JsonRecyclerPools.threadLocalPool())
        .build();
    this.factory = factory;
    this.json = JsonMapper.builder(factory).build();
  }

  /** INVALID when an attribute is missing, too long, malformed or holds control characters. */
  public Optional<Result> checkAttributes(Event event) {
    Optional<String> problem = attributeProblem(event);
    return problem.isEmpty() ? Optional.empty()
        : Optional.of(invalid(event, "INVALID_ATTRIBUTE", problem.get()));
  }

  /**
   * The first attribute problem, checked in a fixed order (at most one check per event and
   * field). The attributes that repeat on a connection (source, type, content type, schema)
   * arrive as the same string objects event after event ({@code RepeatedValues} in the Netty
   * transport), so a value that is the very object this thread last found valid in that field
   * is not scanned again. A value is remembered only once every check of its field passed.
   */
  private Optional<String> attributeProblem(Event event) {
    Optional<String> p = attribute("id", event.id(), rules.maxIdBytes(), "max-id-bytes");
    if (p.isPresent()) {
      return p;
    }
    LastValid valid = lastValid.get();
    p = repeating(valid, LastValid.SOURCE, "source", event.source(), rules.maxSourceBytes(),
        "max-source-bytes");
    if (p.isPresent()) {
      return p;
    }
    String type = event.type();
    if (type != valid.values[LastValid.TYPE]) {
      p = attribute("type", type, rules.maxTypeBytes(), "max-type-bytes");
      if (p.isPresent()) {
        return p;
      }
      if (!EventTypes.isWellFormed(type)) {
        return Optional.of("'type' must be dot-separated segments of letters, digits, '-', '_'"
            + " and ':', such as 'orders.created'; got '" + shorten(type) + "'");
      }
      valid.values[LastValid.TYPE] = type;
    }
    p = optionalAttribute("subject", event.subject());
    if (p.isPresent()) {
      return p;
    }
    p = repeating(valid, LastValid.CONTENT_TYPE, "datacontenttype",
        event.dataContentType().orElse(null), rules.maxAttributeBytes(), "max-attribute-bytes");
    if (p.isPresent()) {
      return p;
    }
    p = repeating(valid, LastValid.SCHEMA, "dataschema", event.dataSchema().orElse(null),
        rules.maxAttributeBytes(), "max-attribute-bytes");
    if (p.isPresent()) {
      return p;
    }
    return event.extensions().isEmpty() ? Optional.empty() : extensions(event.extensions());
  }

  /**
   * What is wrong with attribute {@code name}, as {@link #attribute}, unless {@code value} is
   * absent or the very object this thread last found valid in {@code slot}; a value found valid
   * is remembered there.
   */
  private static Optional<String> repeating(LastValid valid, int slot, String name,
      String value, int maxBytes, String key) {
    if (value == null || value == valid.values[slot]) {
      return Optional.empty();
    }
    Optional<String> problem = attribute(name, value, maxBytes, key);
    if (problem.isEmpty()) {
      valid.values[slot] = value;
    }
    return problem;
  }

  private Optional<String> optionalAttribute(String name, Optional<String> value) {
    return value.isEmpty() ? Optional.empty()
        : attribute(name, value.get(), rules.maxAttributeBytes(), "max-attribute-bytes");
  }

  /** INVALID when the data is too large, of a refused content type, or not what it claims. */
  public Optional<Result> checkData(Event event) {
    ValidationRules.TypeRules typeRules = rules.types().get(event.type());
    int limit = typeRules != null && typeRules.maxDataBytes() >= 0 ? typeRules.maxDataBytes()
        : rules.maxDataBytes();
    if (event.dataLength() > limit) {
      return Optional.of(invalid(event, "DATA_TOO_LARGE", "the data is " + event.dataLength()
          + " bytes, over the limit of " + limit + " bytes for type '" + event.type()
          + "'; send less data"));
    }
    String mediaType = mediaTypeOf(event.dataContentType().orElse(null));
    if (mediaType != null && !contentTypeAllowed(mediaType)) {
      return Optional.of(invalid(event, "CONTENT_TYPE_NOT_ALLOWED", "content type '"
          + shorten(mediaType) + "' is not allowed; use one of " + rules.contentTypes()
          + " (security.validation.content-types)"));
    }
    boolean hasSchema = typeRules != null && typeRules.schema() != null;
    boolean isJson = mediaType != null && isJson(mediaType);
    if (hasSchema && mediaType != null && !isJson) {
      return Optional.of(invalid(event, "CONTENT_TYPE_NOT_ALLOWED", "events of type '"
          + event.type() + "' must carry JSON (they have a schema), not '"
          + shorten(mediaType) + "'"));
    }
    if (isJson || hasSchema) {
      return checkJson(event, hasSchema ? typeRules : null);
    }
    if (mediaType != null && mediaType.startsWith("text/")) {
      return checkText(event);
    }
    return Optional.empty();
  }

  private Optional<Result> checkText(Event event) {
    byte[] data = SharedData.of(event);
    Optional<String> utf8 = utf8Problem(data);
    if (utf8.isPresent()) {
      return Optional.of(invalid(event, "BAD_ENCODING", utf8.get()));
    }
    for (int i = 0; i < data.length; i++) {
      if (data[i] == 0) {
        return Optional.of(invalid(event, "BAD_ENCODING", "the text data contains a NUL byte"
            + " at offset " + i + "; text must not contain NUL"));
      }
    }
    return Optional.empty();
  }

  private Optional<Result> checkJson(Event event, ValidationRules.TypeRules typeRules) {
    byte[] data = SharedData.of(event);
    if (data.length == 0) {
      return typeRules == null ? Optional.empty() : Optional.of(invalid(event, "MALFORMED_JSON",
          "events of type '" + event.type() + "' must carry JSON data, and this one has none"));
    }
    Optional<String> utf8 = utf8Problem(data);
    if (utf8.isPresent()) {
      return Optional.of(invalid(event, "BAD_ENCODING", utf8.get()));
    }
    try {
      if (typeRules == null) {
        if (JsonSyntax.plainlyWellFormed(data, rules.jsonMaxDepth())) {
          return Optional.empty(); // what Jackson would say, at a fraction of the cost
        }
        scanWithJackson(data);
        return Optional.empty();
      }
      JsonNode tree;
      try (JsonParser parser = json.createParser(data)) {
        tree = json.readTree(parser);
        if (parser.nextToken() != null) {
          throw trailing(parser);
        }
      }
      List<Error> errors = typeRules.schema().validate(tree);
      if (errors.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(invalid(event, "SCHEMA_VIOLATION", "the data does not match the schema"
          + " of '" + event.type() + "' (" + typeRules.schemaName() + "): " + describe(errors)));
    } catch (StreamConstraintsException e) {
      if (e.getOriginalMessage().contains("nesting depth")) {
        return Optional.of(invalid(event, "JSON_TOO_DEEP", "the JSON data is nested deeper"
            + " than " + rules.jsonMaxDepth() + " levels (security.validation.json-max-depth)"));
      }
      return Optional.of(invalid(event, "JSON_LIMIT", "the JSON data breaks a parser limit: "
          + shorten(e.getOriginalMessage(), 200)));
    } catch (JacksonException e) {
      return Optional.of(invalid(event, "MALFORMED_JSON", "the data is not well-formed JSON: "
          + shorten(e.getOriginalMessage()) + " at " + location(e)));
    } catch (BoundedRegularExpressionFactory.RegexBudgetExceededException e) {
      return Optional.of(invalid(event, "SCHEMA_VIOLATION", "the data could not be checked"
          + " against the schema of '" + event.type() + "' in bounded time: " + e.getMessage()));
    }
  }

  /** Jackson's strict scan of {@code data}; throws what it finds wrong. */
  void scanWithJackson(byte[] data) {
    try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), data)) {
      scan(parser);
    }
  }

  /** Reads every token of exactly one JSON value. */
  private static void scan(JsonParser parser) {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new JsonEndException(parser);
    }
    int depth = 0;
    do {
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        depth++;
      } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        depth--;
      }
      if (depth == 0) {
        break;
      }
      token = parser.nextToken();
    } while (token != null);
    if (parser.nextToken() != null) {
      throw trailing(parser);
    }
  }

  private static JacksonException trailing(JsonParser parser) {
    return new JsonEndException(parser, "more data after the JSON value");
  }

  /**
   * The values of the repeating attributes that one thread last found valid, by slot: compared
   * by identity, so a value equal to one of them but decoded anew is checked again. And the
   * content type it last reduced to a media type, with that media type.
   */
  private static final class LastValid {
    static final int SOURCE = 0;
    static final int TYPE = 1;
    static final int CONTENT_TYPE = 2;
    static final int SCHEMA = 3;

    final String[] values = new String[4];
    String mediaTypeOf;
    String mediaType;
  }

  /** A problem the streaming parser does not raise itself: nothing, or more than one value. */
  private static final class JsonEndException extends tools.jackson.core.exc.StreamReadException {
    private static final long serialVersionUID = 1L;

    JsonEndException(JsonParser parser) {
      this(parser, "no JSON value");
    }

    JsonEndException(JsonParser parser, String message) {
      super(parser, message);
    }
  }

  private static String location(JacksonException e) {
    return e.getLocation() == null ? "an unknown position"
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String describe(List<Error> errors) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < errors.size() && i < MAX_ERRORS_SHOWN; i++) {
      Error error = errors.get(i);
      if (i > 0) {
        sb.append("; ");
      }
      String where = String.valueOf(error.getInstanceLocation());
      String message = error.getMessage();
      sb.append(message.startsWith(where) ? message : where + ": " + message);
    }
    if (errors.size() > MAX_ERRORS_SHOWN) {
      sb.append("; and ").append(errors.size() - MAX_ERRORS_SHOWN).append(" more");
    }
    return shorten(sb.toString(), 1000);
  }

  private Optional<String> extensions(Map<String, String> extensions) {
    if (extensions.size() > rules.maxExtensions()) {
      return Optional.of("the event has " + extensions.size() + " extension attributes, over"
          + " the limit of " + rules.maxExtensions() + " (security.validation.max-extensions)");
    }
    for (Map.Entry<String, String> e : extensions.entrySet()) {
      Optional<String> problem = attribute("extension '" + shorten(e.getKey()) + "'",
          e.getValue(), rules.maxAttributeBytes(), "max-attribute-bytes");
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /**
   * What is wrong with an attribute value: empty, over {@code maxBytes} in UTF-8, holding a
   * control character or a lone surrogate (text that is not valid Unicode). One pass.
   */
  static Optional<String> attribute(String name, String value, int maxBytes, String key) {
    if (value.isEmpty()) {
      return Optional.of(label(name) + " is empty");
    }
    long bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of(label(name) + " contains the control character U+"
            + String.format(Locale.ROOT, "%04X", (int) c) + " at position " + i
            + "; remove it");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return Optional.of(label(name) + " is not valid Unicode (a lone surrogate at position "
              + i + ")");
        }
        bytes += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return Optional.of(label(name) + " is not valid Unicode (a lone surrogate at position "
            + i + ")");
      } else {
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
      if (bytes > maxBytes) {
        return Optional.of(label(name) + " is longer than the limit of " + maxBytes
            + " bytes (security.validation." + key + ")");
      }
    }
    return Optional.empty();
  }
  /** How a problem names an attribute: quoted, or as given for an extension. */
  private static String label(String name) {
    return name.startsWith("extension") ? name : "'" + name + "'";
  }


  static Optional<String> utf8Problem(byte[] data) {
    int i = 0;
    while (i < data.length && data[i] >= 0) {
      i++;
    }
    if (i == data.length) {
      return Optional.empty(); // all ASCII, which is valid UTF-8 as it is: nothing to decode
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      decoder.decode(ByteBuffer.wrap(data));
      return Optional.empty();
    } catch (CharacterCodingException e) {
      return Optional.of("the data is not valid UTF-8 (" + e.getMessage() + ")");
    }
  }

  private boolean contentTypeAllowed(String mediaType) {
    if (rules.contentTypes().contains(mediaType)) {
      return true;
    }
    return mediaType.startsWith("application/") && mediaType.endsWith("+json")
        && rules.contentTypes().contains("application/json");
  }

  static boolean isJson(String mediaType) {
    return mediaType.equals("application/json") || mediaType.equals("text/json")
        || mediaType.endsWith("+json");
  }

  /**
   * {@link #mediaType} of {@code contentType}, or null for null; worked out again only when the
   * content type is not the string object this thread last asked about.
   */
  private String mediaTypeOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    LastValid last = lastValid.get();
    if (contentType != last.mediaTypeOf) {
      last.mediaType = mediaType(contentType);
      last.mediaTypeOf = contentType;
    }
    return last.mediaType;
  }

  /** {@code Application/JSON; charset=utf-8} to {@code application/json}. */
  static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT);
  }

  private static Result invalid(Event event, String code, String message) {
    return Result.failure(event.id(), Status.INVALID, code, message);
  }

  static String shorten(String text) {
    return shorten(text, 64);
  }

  private static String shorten(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 3);
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return text.length() > max ? sb.append("...").toString() : sb.toString();
  }
}
