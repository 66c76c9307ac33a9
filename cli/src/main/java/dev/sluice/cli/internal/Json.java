package dev.sluice.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The one JSON mapper of the command line, and what counts as JSON content. */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {
  }

  /** {@code application/json}, {@code text/json} and any {@code +json} type, parameters ignored. */
  public static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals("application/json") || base.equals("text/json")
        || base.endsWith("+json");
  }

  /** Parses bytes as one JSON document; throws when they are not exactly that. */
  public static JsonNode parse(byte[] bytes) throws IOException {
    return MAPPER.readTree(bytes);
  }

  /** One line of JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
