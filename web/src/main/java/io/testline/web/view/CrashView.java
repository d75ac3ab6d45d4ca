package io.testline.web.view;

import java.util.List;

/**
 * Where a CRASHED or TIMEOUT run's program crashed or hung, as its station agent found it: the evidence's kind
 * ({@code python-traceback}, {@code native-backtrace}, {@code minidump}, {@code none}), the site
 * ({@code file:line in function}), why evidence is missing, the traceback text and the names of a kept core file and
 * a kept Windows minidump; each but {@code kind} may be null. {@code uploaded}: the files uploaded with the run (a
 * core, a minidump) stored whole, to download from the query API; {@code pending}: those the agent said it uploads
 * (the crash section's {@code uploaded}) of which not every chunk is stored yet.
 */
public record CrashView(String kind, String site, String reason, String traceback, String coreFile,
    String minidumpFile, List<String> uploaded, List<String> pending) {

  public CrashView {
    uploaded = uploaded == null ? List.of() : List.copyOf(uploaded);
    pending = pending == null ? List.of() : List.copyOf(pending);
  }

  /** This view with the uploaded files found stored whole, and those still incomplete. */
  public CrashView withUploads(List<String> complete, List<String> incomplete) {
    return new CrashView(kind, site, reason, traceback, coreFile, minidumpFile, complete, incomplete);
  }
}
