package dev.sluice.security.internal.guard;

import com.networknt.schema.Schema;
import java.util.Map;
import java.util.Set;

/**
 * The limits of {@code security.validation}, already bound and with schemas loaded.
 *
 * @param contentTypes allowed media types, lower case, without parameters
 * @param types per exact event type: its own data limit and schema
 */
public record ValidationRules(int maxIdBytes, int maxSourceBytes, int maxTypeBytes,
    int maxAttributeBytes, int maxExtensions, int maxDataBytes, Set<String> contentTypes,
    int jsonMaxDepth, Map<String, TypeRules> types) {

  public ValidationRules {
    contentTypes = Set.copyOf(contentTypes);
    types = Map.copyOf(types);
  }

  /**
   * Rules for one type.
   *
   * @param maxDataBytes the data limit, or -1 for the global one
   * @param schema the JSON Schema its data must satisfy, or null
   * @param schemaName where the schema came from, for messages
   */
  public record TypeRules(int maxDataBytes, Schema schema, String schemaName) {}
}
