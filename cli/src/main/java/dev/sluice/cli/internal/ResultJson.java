package dev.sluice.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.event.Result;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Result} as the one JSON object {@code sluice send} prints:
 *
 * <pre>
 * {"id":"42","status":"OK","datacontenttype":"application/json","data":{"words":3}}
 * {"id":"42","status":"OK","datacontenttype":"image/png","data_base64":"iVBORw0KGgo="}
 * {"id":"42","status":"ERROR","code":"FLAKY","message":"failing on purpose"}
 * </pre>
 *
 * JSON data is embedded as JSON; anything else (or JSON that does not parse) as base64 under
 * {@code data_base64}, as in the CloudEvents JSON format.
 */
public final class ResultJson {
  private ResultJson() {
  }

  public static String format(Result result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", result.eventId());
    m.put("status", result.status().name());
    result.errorCode().ifPresent(code -> m.put("code", code));
    result.errorMessage().ifPresent(message -> m.put("message", message));
    if (result.hasData()) {
      String type = result.dataContentType().orElse(null);
      if (type != null) {
        m.put("datacontenttype", type);
      }
      byte[] data = result.data();
      JsonNode json = Json.isJson(type) ? parseOrNull(data) : null;
      if (json != null) {
        m.put("data", json);
      } else {
        m.put("data_base64", Base64.getEncoder().encodeToString(data));
      }
    }
    return Json.write(m);
  }

  private static JsonNode parseOrNull(byte[] data) {
    try {
      return Json.parse(data);
    } catch (IOException e) {
      return null;
    }
  }
}
