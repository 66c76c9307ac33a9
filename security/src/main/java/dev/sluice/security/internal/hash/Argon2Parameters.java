package dev.sluice.security.internal.hash;

/**
 * The cost of an Argon2id hash: memory in KiB, iterations and lanes. The defaults are OWASP's
 * recommendation (m = 19 MiB, t = 2, p = 1).
 */
public record Argon2Parameters(int memoryKib, int iterations, int parallelism) {
  /** OWASP Password Storage Cheat Sheet, Argon2id, first configuration. */
  public static final Argon2Parameters OWASP = new Argon2Parameters(19456, 2, 1);

  public Argon2Parameters {
    if (parallelism < 1 || iterations < 1 || memoryKib < 8 * parallelism) {
      throw new IllegalArgumentException("Argon2 needs parallelism >= 1, iterations >= 1 and"
          + " memory >= 8 KiB per lane; got m=" + memoryKib + ", t=" + iterations + ", p="
          + parallelism);
    }
  }

  /** Whether a hash made with these parameters is weaker than one made with {@code wanted}. */
  public boolean weakerThan(Argon2Parameters wanted) {
    return memoryKib < wanted.memoryKib || iterations < wanted.iterations
        || parallelism < wanted.parallelism;
  }

  @Override
  public String toString() {
    return "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
  }
}
