package dev.sluice.security;

/** A {@link UserAdmin} request was refused; the message says why and what to do. */
public final class UserAdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserAdminException(String message) {
    super(message);
  }
}
