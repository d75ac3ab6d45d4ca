package io.testline.web.access;

import io.javalin.http.Context;
import io.testline.access.Principal;
import io.testline.web.view.Fmt;
import io.testline.web.view.Renderer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders the login page and the navigation bar's session part (who is logged in, the logout button). */
public final class LoginPage {
  private final Renderer renderer;
  private final Fmt fmt;

  public LoginPage(Renderer renderer, Fmt fmt) {
    this.renderer = renderer;
    this.fmt = fmt;
  }

  void show(Context ctx, String csrf, String next, String error, boolean loginEnabled) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("f", fmt);
    params.put("csrf", csrf);
    params.put("next", next);
    params.put("error", error);
    params.put("enabled", loginEnabled);
    html(ctx, "login.jte", params);
  }

  void sessionBar(Context ctx, Principal principal, String csrf, boolean loginEnabled) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("principal", loginEnabled ? principal : null);
    params.put("csrf", csrf);
    html(ctx, "tags/session.jte", params);
  }

  private void html(Context ctx, String template, Map<String, Object> params) {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(renderer.render(template, params));
  }
}
