package dev.sluice.testkit.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Names that do not collide between tests, forks or machines sharing one service. */
public final class UniqueNames {
  private static final SecureRandom RANDOM = new SecureRandom();

  private UniqueNames() {
  }

  /** {@code prefix} followed by 12 random lowercase hex digits, e.g. {@code sluice_test_3fa9c01b22de}. */
  public static String next(String prefix) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }
}
