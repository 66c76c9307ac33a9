package dev.sluice.store.jdbc;

/**
 * The store's database failed an operation: unreachable, timed out, or refused a statement. The
 * message names the database (password masked) and what was being done; the cause is the
 * driver's exception. Operations that fail with it changed nothing unless the message says the
 * outcome is unknown (a commit whose answer was lost).
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
