package dev.sluice.memory;

import dev.sluice.config.Settings;
import java.util.Set;

/**
 * The {@code transport.memory} section.
 *
 * @param address the name a server registers under and clients connect to
 * @param maxEventBytes the largest event, attributes and data together, that a server accepts
 */
public record InMemorySettings(String address, int maxEventBytes) {
  public static final String DEFAULT_ADDRESS = "default";
  public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

  /** Reads and validates the section; unknown keys are errors. */
  public static InMemorySettings from(Settings settings) {
    settings.requireOnly(Set.of("address", "max-event-bytes"));
    return new InMemorySettings(settings.string("address", DEFAULT_ADDRESS),
        settings.integer("max-event-bytes", DEFAULT_MAX_EVENT_BYTES));
  }
}
