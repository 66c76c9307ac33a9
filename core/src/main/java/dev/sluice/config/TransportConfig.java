package dev.sluice.config;

import java.util.Objects;

/**
 * The {@code transport} section: which transport runs ({@code type}), and that transport's own
 * section ({@code transport.<type>}), validated by the transport itself.
 */
public record TransportConfig(String type, Settings settings) {
  public TransportConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(settings, "settings");
  }
}
