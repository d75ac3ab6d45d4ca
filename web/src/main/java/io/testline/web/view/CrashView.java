package io.testline.web.view;

/**
 * Where a CRASHED or TIMEOUT run's program crashed or hung, as its station agent found it: the evidence's kind
 * ({@code python-traceback}, {@code native-backtrace}, {@code none}), the site ({@code file:line in function}), why
 * evidence is missing, the traceback text and the name of a kept core file; each but {@code kind} may be null.
 * {@code uploaded}: the files uploaded with the run (a core, a minidump) stored whole, to download from the query API.
 */
public record CrashView(String kind, String site, String reason, String traceback, String coreFile,
    java.util.List<String> uploaded) {

  public CrashView {
    uploaded = uploaded == null ? java.util.List.of() : java.util.List.copyOf(uploaded);
  }

  /** This view with the uploaded files found stored. */
  public CrashView withUploaded(java.util.List<String> names) {
    return new CrashView(kind, site, reason, traceback, coreFile, names);
  }
}
