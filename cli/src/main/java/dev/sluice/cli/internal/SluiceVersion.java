package dev.sluice.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The version of this build, from {@code version.properties} written by Maven. */
public final class SluiceVersion implements CommandLine.IVersionProvider {
  private static final String VERSION = read();

  /** Such as {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  /** {@code sluice 0.1.0 (Java 17.0.15, Debian; Linux amd64)}. */
  public static String describe() {
    return "sluice " + VERSION + " (Java " + System.getProperty("java.version") + ", "
        + System.getProperty("java.vendor") + "; " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch") + ")";
  }

  @Override
  public String[] getVersion() {
    return new String[] {describe()};
  }

  private static String read() {
    try (InputStream in = SluiceVersion.class.getResourceAsStream(
        "/dev/sluice/cli/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
