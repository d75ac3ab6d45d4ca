package io.testline.web.view;

/**
 * Where a CRASHED or TIMEOUT run's program crashed or hung, as its station agent found it: the evidence's kind
 * ({@code python-traceback}, {@code native-backtrace}, {@code none}), the site ({@code file:line in function}), why
 * evidence is missing, the traceback text and the name of a kept core file; each but {@code kind} may be null.
 */
public record CrashView(String kind, String site, String reason, String traceback, String coreFile) {}
