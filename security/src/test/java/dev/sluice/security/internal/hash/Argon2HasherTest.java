package dev.sluice.security.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Argon2HasherTest {
  private static final Argon2Parameters FAST = new Argon2Parameters(64, 1, 1);

  @Test
  void hashesAsPhcStringWithOwaspParametersByDefault() {
    Argon2Hasher hasher = new Argon2Hasher(Argon2Parameters.OWASP);

    String phc = hasher.hash("correct horse".toCharArray());

    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}"
        + "\\$[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify("correct horse".toCharArray(), phc)).isTrue();
    assertThat(hasher.verify("correct horsf".toCharArray(), phc)).isFalse();
    assertThat(hasher.needsRehash(phc)).isFalse();
  }

  @Test
  void verifiesAHashMadeByTheReferenceImplementation() {
    // argon2-cffi's README example (the reference C implementation underneath)
    String reference = "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA"
        + "$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg";
    Argon2Hasher hasher = new Argon2Hasher(Argon2Parameters.OWASP);

    assertThat(hasher.verify("correct horse battery staple".toCharArray(), reference)).isTrue();
    assertThat(hasher.verify("Correct horse battery staple".toCharArray(), reference))
        .isFalse();
  }

  @Test
  void saltsEveryHashDifferently() {
    Argon2Hasher hasher = new Argon2Hasher(FAST);

    assertThat(hasher.hash("same".toCharArray())).isNotEqualTo(hasher.hash("same".toCharArray()));
  }

  @Test
  void asksForRehashWhenAnyParameterIsBelowTheConfiguredOnes() {
    String weak = new Argon2Hasher(FAST).hash("pw".toCharArray());
    Argon2Hasher stronger = new Argon2Hasher(new Argon2Parameters(128, 1, 1));
    Argon2Hasher moreIterations = new Argon2Hasher(new Argon2Parameters(64, 2, 1));

    assertThat(stronger.needsRehash(weak)).isTrue();
    assertThat(moreIterations.needsRehash(weak)).isTrue();
    assertThat(new Argon2Hasher(FAST).needsRehash(weak)).isFalse();
    // an old, weaker hash still verifies until it is upgraded
    assertThat(stronger.verify("pw".toCharArray(), weak)).isTrue();
  }

  @Test
  void treatsMalformedOrForeignHashesAsMismatches() {
    Argon2Hasher hasher = new Argon2Hasher(FAST);

    for (String bad : new String[] {"", "secret", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
        "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"}) {
      assertThat(hasher.verify("secret".toCharArray(), bad)).as(bad).isFalse();
      assertThat(Argon2Hasher.isHash(bad)).as(bad).isFalse();
      assertThat(hasher.needsRehash(bad)).as(bad).isTrue();
    }
  }

  @Test
  void hashesNonAsciiPasswordsAsUtf8() {
    Argon2Hasher hasher = new Argon2Hasher(FAST);
    String phc = hasher.hash("pässwörd-🔑".toCharArray());

    assertThat(hasher.verify("pässwörd-🔑".toCharArray(), phc)).isTrue();
    assertThat(hasher.verify("passwörd-🔑".toCharArray(), phc)).isFalse();
  }
}
