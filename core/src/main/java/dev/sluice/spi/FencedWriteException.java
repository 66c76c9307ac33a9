package dev.sluice.spi;

/** A fenced write was refused because its lease is no longer the newest for its lock. */
public final class FencedWriteException extends ProcessingException {
  private static final long serialVersionUID = 1L;

  public FencedWriteException(String lock, long token, long newest) {
    super("FENCED", "write under lock '" + lock + "' with token " + token
        + " refused: token " + newest + " is newer; the lease was lost, retry the event", true,
        null);
  }
}
