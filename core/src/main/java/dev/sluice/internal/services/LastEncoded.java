package dev.sluice.internal.services;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of the string last asked for, kept while the same string (the same object)
 * is asked for again. A transport decodes the attributes that repeat on a connection (source,
 * content type) into one string object for all its events, so the results that a stripe stores
 * one after the other mostly carry the same objects, and their bytes are encoded once instead
 * of once per result. Not thread-safe; the bytes returned must not be changed.
 */
final class LastEncoded {
  private String last;
  private byte[] bytes;

  /** {@code s} in UTF-8, or null for null. */
  byte[] bytes(String s) {
    if (s == null) {
      return null;
    }
    if (s != last) {
      bytes = s.getBytes(StandardCharsets.UTF_8);
      last = s;
    }
    return bytes;
  }
}
