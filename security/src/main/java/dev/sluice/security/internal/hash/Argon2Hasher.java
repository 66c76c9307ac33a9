package dev.sluice.security.internal.hash;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Argon2id password hashing with Bouncy Castle, as PHC strings. Thread-safe; every call is
 * CPU- and memory-heavy (tens of milliseconds, {@code m} KiB), so callers run it on the
 * {@link HashingPool}, never on an event loop.
 */
public final class Argon2Hasher {
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  private final Argon2Parameters parameters;
  private final SecureRandom random;

  public Argon2Hasher(Argon2Parameters parameters) {
    this(parameters, new SecureRandom());
  }

  Argon2Hasher(Argon2Parameters parameters, SecureRandom random) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.random = Objects.requireNonNull(random, "random");
  }

  public Argon2Parameters parameters() {
    return parameters;
  }

  /** A new PHC string for {@code password} with a fresh random salt. */
  public String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = derive(password, salt, parameters, HASH_BYTES);
    return new PhcHash(parameters, salt, hash).format();
  }

  /**
   * Whether {@code password} matches {@code phc}. The comparison takes the same time wherever
   * the first difference is; a malformed {@code phc} is a mismatch, after the same work as a
   * real check so that it cannot be told apart by timing.
   */
  public boolean verify(char[] password, String phc) {
    Optional<PhcHash> parsed = PhcHash.parse(phc);
    if (parsed.isEmpty()) {
      burn(password);
      return false;
    }
    PhcHash stored = parsed.get();
    byte[] actual = derive(password, stored.salt(), stored.parameters(), stored.hash().length);
    return MessageDigest.isEqual(actual, stored.hash());
  }

  /**
   * Does the work of one verification against a hash that matches nothing: for unknown users,
   * so that they take as long as a wrong password.
   */
  public void burn(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    derive(password, salt, parameters, HASH_BYTES);
  }

  /** Whether {@code phc} was made with weaker parameters than the configured ones. */
  public boolean needsRehash(String phc) {
    return PhcHash.parse(phc).map(h -> h.parameters().weakerThan(parameters)).orElse(true);
  }

  /** Whether {@code text} is a PHC string this hasher can verify. */
  public static boolean isHash(String text) {
    return PhcHash.parse(text).isPresent();
  }

  private static byte[] derive(char[] password, byte[] salt, Argon2Parameters p, int length) {
    org.bouncycastle.crypto.params.Argon2Parameters params =
        new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
            org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
            .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(p.memoryKib())
            .withIterations(p.iterations())
            .withParallelism(p.parallelism())
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] secret = utf8(password);
    byte[] out = new byte[length];
    try {
      generator.generateBytes(secret, out);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return out;
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }
}
