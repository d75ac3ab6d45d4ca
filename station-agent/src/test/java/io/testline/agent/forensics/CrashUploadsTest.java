package io.testline.agent.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.agent.journal.PendingUpload;
import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.Ids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which kept files go up with a run: only when on, under the upload limit and the journal's room. */
class CrashUploadsTest {
  private static final UUID RUN = Ids.newId();
  private static final Crash CORE = new Crash(CrashKind.NONE, null, "no backtrace: gdb is not installed", null, "core");

  @Test
  void uploads_off_uploads_nothing_and_adds_no_reason(@TempDir Path run) throws Exception {
    Files.write(run.resolve("core"), new byte[100]);

    CrashUploads.Plan plan = new CrashUploads(false, 1 << 20).plan(CORE, run, RUN, "SN-1", Long.MAX_VALUE);

    assertThat(plan.files()).isEmpty();
    assertThat(plan.crash()).isEqualTo(CORE);
  }

  @Test
  void a_core_under_the_limit_is_uploaded_and_named_in_the_crash_section(@TempDir Path run) throws Exception {
    Files.write(run.resolve("core"), new byte[100]);

    CrashUploads.Plan plan = new CrashUploads(true, 100).plan(CORE, run, RUN, "SN-1", Long.MAX_VALUE);

    assertThat(plan.files()).containsExactly(new PendingUpload(RUN, "SN-1", "core", run.resolve("core"),
        CrashUploads.CORE_MEDIA_TYPE, 100));
    assertThat(plan.crash().uploaded()).containsExactly("core");
    assertThat(plan.crash().reason()).isEqualTo(CORE.reason());
  }

  @Test
  void a_core_over_the_limit_or_without_journal_room_stays_with_the_reason(@TempDir Path run) throws Exception {
    Files.write(run.resolve("core"), new byte[101]);

    CrashUploads.Plan over = new CrashUploads(true, 100).plan(CORE, run, RUN, "SN-1", Long.MAX_VALUE);
    CrashUploads.Plan full = new CrashUploads(true, 1000).plan(CORE, run, RUN, "SN-1", 500);

    assertThat(over.files()).isEmpty();
    assertThat(over.crash().uploaded()).isNull();
    assertThat(over.crash().reason()).isEqualTo("no backtrace: gdb is not installed; core not uploaded: 101 bytes "
        + "is over forensics.uploadMaxBytes 100; kept in the run directory");
    assertThat(full.files()).isEmpty();
    assertThat(full.crash().reason()).endsWith("core not uploaded: its chunks need 1160 bytes and the journal has "
        + "room for 500 (journal.maxBytes); kept in the run directory");
  }

  @Test
  void a_minidump_is_uploaded_under_the_same_rule(@TempDir Path run) throws Exception {
    Files.write(run.resolve("probe.exe.42.dmp"), new byte[10]);
    Crash dump = new Crash(CrashKind.MINIDUMP, null, null, null, null).withMinidump("probe.exe.42.dmp");

    CrashUploads.Plan plan = new CrashUploads(true, 100).plan(dump, run, RUN, "SN-1", Long.MAX_VALUE);

    assertThat(plan.files()).extracting(PendingUpload::mediaType).containsExactly(CrashUploads.MINIDUMP_MEDIA_TYPE);
    assertThat(plan.crash().uploaded()).containsExactly("probe.exe.42.dmp");
  }
}
