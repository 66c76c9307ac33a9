package dev.sluice.security.internal.guard;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

/** How schemas are loaded: never from the network, with bounded regular expressions. */
public final class SchemaRegistries {
  private SchemaRegistries() {}

  /**
   * Draft 2020-12 unless a schema names another in {@code $schema}; remote {@code $ref}s are not
   * fetched (a validation must not wait on the network); patterns run on a work budget.
   */
  public static SchemaRegistry bounded() {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder()
        .regularExpressionFactory(BoundedRegularExpressionFactory.INSTANCE)
        .build();
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
        .schemaRegistryConfig(config)
        .schemaLoader(loader -> loader.fetchRemoteResources(false)));
  }
}
