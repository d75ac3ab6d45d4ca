package io.testline.web;

import io.javalin.http.Context;
import io.testline.access.Principal;
import io.testline.access.Role;
import io.testline.web.access.WebAccess;

/**
 * The one place the pages' actions (today: the shopfloor redrive) ask who may change something, and where a form
 * gets its CSRF token. It defers to {@link WebAccess}: on loopback without users everybody is the local admin;
 * with users or a token only an admin may act, and every POST carries the session's CSRF token (checked by
 * {@link WebAccess} before any route runs).
 */
final class AdminGuard {
  /** The form field holding the CSRF token, the one {@link WebAccess} checks. */
  static final String CSRF_FIELD = WebAccess.CSRF_FIELD;

  private final WebAccess access;

  AdminGuard(WebAccess access) {
    this.access = access;
  }

  /** Throws 403 unless the request acts for an admin. */
  void requireAdmin(Context ctx) {
    WebAccess.requireAdmin(ctx);
  }

  /** The CSRF token a form of an admin action carries. */
  String csrfToken(Context ctx) {
    return access.csrfToken(ctx);
  }

  /** Whether the page should offer admin actions at all. */
  boolean mayAdminister(Context ctx) {
    Principal principal = WebAccess.principal(ctx);
    return principal != null && principal.role().allows(Role.ADMIN);
  }
}
