package dev.sluice.cli.internal;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Settings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * Reads {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT30S}): the same
 * grammar as durations in the configuration file, by the same parser.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration d = Settings.of(Map.of("value", value)).duration("value", null);
      if (d == null || d.isNegative() || d.isZero()) {
        throw new CommandLine.TypeConversionException("'" + value
            + "' is not a positive duration; write it as 500ms, 30s, 5m or 1h");
      }
      return d;
    } catch (ConfigException e) {
      throw new CommandLine.TypeConversionException("'" + value
          + "' is not a duration; write it as 500ms, 30s, 5m or 1h");
    }
  }
}
