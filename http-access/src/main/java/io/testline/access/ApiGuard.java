package io.testline.access;

import io.javalin.http.Context;

/**
 * Access for machine clients of an HTTP listener: each request carries its credentials in {@code Authorization}
 * ({@code Bearer <token>} or {@code Basic <user:password>}). Without any credential configured (a loopback
 * listener, see {@link BindRule}) every request acts as {@link Principal#local()}.
 */
public final class ApiGuard {
  /** The request attribute holding the request's {@link Principal}. */
  public static final String PRINCIPAL = "testline.principal";

  private final Authenticator authenticator;
  private final String challenge;

  public ApiGuard(Authenticator authenticator) {
    this.authenticator = authenticator;
    AccessConfig c = authenticator.config();
    String bearer = c.token() == null ? null : "Bearer realm=\"testline\"";
    String basic = c.passwordHashes().isEmpty() ? null : "Basic realm=\"testline\", charset=\"UTF-8\"";
    this.challenge = bearer == null ? basic : basic == null ? bearer : bearer + ", " + basic;
  }

  /** A before-handler: sets the request's principal or throws {@link AccessDenied} (401). */
  public void authenticate(Context ctx) {
    ctx.attribute(PRINCIPAL, principalOf(ctx));
  }

  /**
   * The principal of the request's {@code Authorization} header; throws {@link AccessDenied} 401 without one, 429
   * while its user or address is locked out after failed logins.
   */
  public Principal principalOf(Context ctx) {
    if (!authenticator.enabled()) {
      return Principal.local();
    }
    Authenticator.Result result = authenticator.authorize(ctx.header("Authorization"), ctx.ip());
    if (result instanceof Authenticator.Accepted accepted) {
      return accepted.principal();
    }
    String message = result instanceof Authenticator.Refused refused ? refused.reason()
        : "authentication required: send Authorization: " + (authenticator.config().token() == null ? ""
            : "Bearer <token>" + (authenticator.config().passwordHashes().isEmpty() ? "" : " or "))
            + (authenticator.config().passwordHashes().isEmpty() ? "" : "Basic <user:password>");
    throw new AccessDenied(401, message, challenge);
  }

  /** Throws {@link AccessDenied} (403) unless the request's principal has {@code role}. */
  public static void require(Context ctx, Role role) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new AccessDenied(401, "authentication required", null);
    }
    if (!p.role().allows(role)) {
      throw new AccessDenied(403, "the role " + p.role().label() + " of " + p.name() + " may not do this; it needs "
          + role.label(), null);
    }
  }
}
