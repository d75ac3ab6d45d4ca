package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A record prints every component in its generated {@code toString}, so a config logged at start would print its
 * passwords. Every main record of every module holding a secret (by its component's name, or a map of client settings
 * such as {@code sasl.jaas.config}) must write its own {@code toString}, and where the record can be built from
 * plain values its text must not contain them.
 */
class SecretRedactionTest {
  private static final Pattern SECRET = Pattern.compile(
      "(?i).*(password|passwd|passphrase|secret|token|authvalue|cursorkey|credential|jaas|privatekey).*");
  private static final Pattern CLIENT_SETTINGS = Pattern.compile("(?i).*client.*");

  @Test
  void every_record_holding_a_secret_writes_a_to_string_that_leaves_it_out() {
    List<Class<?>> holders = new ArrayList<>();
    for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.testline")) {
      Class<?> type = c.reflect();
      if (type.isRecord() && secretComponents(type).size() > 0) {
        holders.add(type);
      }
    }
    assertThat(holders).as("records holding secrets (the rule must see some)").hasSizeGreaterThanOrEqualTo(6);

    List<String> printing = new ArrayList<>();
    for (Class<?> type : holders) {
      try {
        type.getDeclaredMethod("toString");
      } catch (NoSuchMethodException e) {
        printing.add(type.getName() + " (no toString of its own)");
        continue;
      }
      Object sample = sample(type);
      if (sample != null) {
        for (RecordComponent secret : secretComponents(type)) {
          if (sample.toString().contains(marker(secret))) {
            printing.add(type.getName() + "." + secret.getName());
          }
        }
      }
    }
    assertThat(printing).as("records that print a secret").isEmpty();
  }

  private static List<RecordComponent> secretComponents(Class<?> type) {
    List<RecordComponent> out = new ArrayList<>();
    for (RecordComponent rc : type.getRecordComponents()) {
      boolean settings = Map.class.isAssignableFrom(rc.getType()) && CLIENT_SETTINGS.matcher(rc.getName()).matches();
      if (settings || rc.getType() == String.class && SECRET.matcher(rc.getName()).matches()) {
        out.add(rc);
      }
    }
    return out;
  }

  /** An instance with a distinctive value in each String and client-settings component; null when it refuses one. */
  private static Object sample(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = value(components[i]);
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object value(RecordComponent rc) {
    Class<?> t = rc.getType();
    if (t == String.class) {
      return marker(rc);
    }
    if (Map.class.isAssignableFrom(t)) {
      return Map.of("sasl.jaas.config", marker(rc));
    }
    if (t == int.class || t == short.class || t == long.class) {
      return t == int.class ? (Object) 1 : t == long.class ? (Object) 1L : (Object) (short) 1;
    }
    if (t == boolean.class) {
      return false;
    }
    if (t == double.class) {
      return 1.0;
    }
    if (t == List.class) {
      return List.of();
    }
    return null;
  }

  private static String marker(RecordComponent rc) {
    return "s3cret-of-" + rc.getName();
  }
}
