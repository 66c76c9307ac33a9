package dev.sluice.security.internal.hash;

import java.util.Base64;
import java.util.Optional;

/**
 * An Argon2id hash in the PHC string format,
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, with unpadded standard Base64 as the
 * reference implementation writes it.
 */
record PhcHash(Argon2Parameters parameters, byte[] salt, byte[] hash) {
  static final String ALGORITHM = "argon2id";
  static final int VERSION = 19;
  /** Bounds what a corrupt or hostile record can make us allocate. */
  private static final int MAX_FIELD = 1024;
  private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
  private static final int MAX_ITERATIONS = 100;
  private static final int MAX_PARALLELISM = 64;

  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  String format() {
    return "$" + ALGORITHM + "$v=" + VERSION + "$m=" + parameters.memoryKib() + ",t="
        + parameters.iterations() + ",p=" + parameters.parallelism() + "$"
        + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
  }

  /** The parsed hash, or empty when {@code text} is not an Argon2id v19 PHC string we accept. */
  static Optional<PhcHash> parse(String text) {
    if (text == null || text.length() > MAX_FIELD) {
      return Optional.empty();
    }
    String[] parts = text.split("\\$", -1);
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    if (parts.length != 6 || !parts[0].isEmpty() || !ALGORITHM.equals(parts[1])
        || !("v=" + VERSION).equals(parts[2])) {
      return Optional.empty();
    }
    int m = -1;
    int t = -1;
    int p = -1;
    for (String param : parts[3].split(",", -1)) {
      int eq = param.indexOf('=');
      if (eq < 0) {
        return Optional.empty();
      }
      int value = parseBounded(param.substring(eq + 1));
      switch (param.substring(0, eq)) {
        case "m" -> m = value;
        case "t" -> t = value;
        case "p" -> p = value;
        default -> {
          return Optional.empty();
        }
      }
    }
    if (m < 1 || m > MAX_MEMORY_KIB || t < 1 || t > MAX_ITERATIONS || p < 1
        || p > MAX_PARALLELISM || m < 8 * p) {
      return Optional.empty();
    }
    try {
      byte[] salt = DECODER.decode(parts[4]);
      byte[] hash = DECODER.decode(parts[5]);
      if (salt.length < 8 || hash.length < 16) {
        return Optional.empty();
      }
      return Optional.of(new PhcHash(new Argon2Parameters(m, t, p), salt, hash));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int parseBounded(String digits) {
    if (digits.isEmpty() || digits.length() > 9) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(digits);
  }
}
