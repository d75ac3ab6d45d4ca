package io.testline.brokers.junit;

import java.io.File;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.testline.brokers.MosquittoBroker;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The one rule for tests that need a program the build cannot bring (mosquitto, mosquitto_passwd, mosquitto_sub,
 * faketime, gcc, gdb, python3): where the program is missing such a test is <em>skipped</em> with a message naming
 * the program and the package that installs it, so {@code mvn verify} on a machine with only a JDK and Maven is green; where the
 * environment variable {@value #ENV} (or the system property {@value #PROPERTY}) lists the program or its package,
 * comma-separated, e.g. {@code TESTLINE_REQUIRE_TOOLS=mosquitto,mosquitto-clients,faketime}, it <em>fails</em>
 * instead, so CI ({@code .ci/run}, which installs them) cannot turn green by skipping.
 *
 * <p>A test calls {@link #require} where it needs the program; a class whose setup ({@code @BeforeAll}) needs it is
 * annotated {@link Needs} instead, because a skip thrown from {@code @BeforeAll} reaches the reports as "0 tests",
 * without its reason.
 *
 * <p>A program is found as {@code MosquittoBroker.findBinary()} finds mosquitto: on {@code PATH}, then in the
 * Debian locations outside a normal user's {@code PATH}.
 */
public final class RequiredTools {

    public static final String ENV = "TESTLINE_REQUIRE_TOOLS";
    public static final String PROPERTY = "testline.requireTools";

    /** Debian package of each program the tests may use. */
    private static final Map<String, String> PACKAGES = Map.of(
            "mosquitto", "mosquitto",
            "mosquitto_passwd", "mosquitto",
            "mosquitto_sub", "mosquitto-clients",
            "mosquitto_pub", "mosquitto-clients",
            "faketime", "faketime",
            "chromium", "chromium",
            "chromedriver", "chromium-driver",
            "gcc", "gcc",
            "gdb", "gdb",
            "python3", "python3");
    private static final List<Path> SEARCH_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"),
            Path.of("/usr/bin"), Path.of("/usr/local/bin"));

    /** Every test of the annotated class needs these programs: skipped (or failed, when required) without them. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(Check.class)
    public @interface Needs {
        /** Program names, e.g. {@code mosquitto}, {@code mosquitto_passwd}. */
        String[] value();
    }

    /** Evaluates {@link Needs}: disabled with the message of {@link #require} when a program is missing. */
    static final class Check implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<Needs> needs = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Needs.class);
            if (needs.isEmpty()) {
                return ConditionEvaluationResult.enabled("needs no program");
            }
            RequiredTools tools = fromEnvironment();
            for (String program : needs.get().value()) {
                try {
                    tools.requireTool(program);
                } catch (TestAbortedException e) {
                    return ConditionEvaluationResult.disabled(e.getMessage());
                }
            }
            return ConditionEvaluationResult.enabled("installed: " + String.join(", ", needs.get().value()));
        }
    }

    private final Set<String> required;
    private final Function<String, Optional<Path>> finder;

    RequiredTools(String requiredList, Function<String, Optional<Path>> finder) {
        this.required = requiredList == null ? Set.of() : Arrays.stream(requiredList.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        this.finder = finder;
    }

    private static RequiredTools fromEnvironment() {
        return new RequiredTools(System.getProperty(PROPERTY, System.getenv(ENV)),
                // mosquitto exactly as the broker choice finds it, so a test skips only where RealBrokers has none
                program -> program.equals("mosquitto") ? MosquittoBroker.findBinary() : find(program));
    }

    /**
     * The path of {@code program}; when it is not installed, skips the calling test, or fails it when {@value #ENV}
     * requires the program.
     */
    public static Path require(String program) {
        return fromEnvironment().requireTool(program);
    }

    /**
     * The path of {@code program}, or empty when it is not installed and not required, for a test that can do
     * without one of its parts (the caller logs what it left out); fails when {@value #ENV} requires the program.
     */
    public static Optional<Path> optional(String program) {
        return fromEnvironment().optionalTool(program);
    }

    Path requireTool(String program) {
        Optional<Path> found = finder.apply(program);
        if (found.isPresent()) {
            return found.get();
        }
        if (isRequired(program)) {
            throw new AssertionFailedError(missing(program) + " and " + ENV + " requires it");
        }
        throw new TestAbortedException(missing(program) + "; skipped (" + ENV + "=" + packageOf(program)
                + " makes this a failure)");
    }

    Optional<Path> optionalTool(String program) {
        Optional<Path> found = finder.apply(program);
        if (found.isEmpty() && isRequired(program)) {
            throw new AssertionFailedError(missing(program) + " and " + ENV + " requires it");
        }
        return found;
    }

    boolean isRequired(String program) {
        return required.contains(program.toLowerCase(Locale.ROOT))
                || required.contains(packageOf(program).toLowerCase(Locale.ROOT));
    }

    private static String missing(String program) {
        return "this test needs " + program + ", which is not installed: apt-get install " + packageOf(program)
                + " (.ci/run installs it)";
    }

    private static String packageOf(String program) {
        String pkg = PACKAGES.get(program);
        if (pkg == null) {
            throw new IllegalArgumentException("program: \"" + program + "\" is not one of " + PACKAGES.keySet());
        }
        return pkg;
    }

    /** The first executable regular file named {@code program} on {@code PATH}, then in the Debian locations. */
    static Optional<Path> find(String program) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        dirs.addAll(SEARCH_DIRS);
        return dirs.stream()
                .map(dir -> dir.resolve(program))
                .filter(Files::isRegularFile)
                .filter(Files::isExecutable)
                .findFirst();
    }
}
