package io.testline.pipeline;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.testline.kafka.ConsumerLoop;
import io.testline.kafka.ReadToEnd;
import io.testline.kafka.TopicWindow;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map of DESIGN.md as rules over the main classes of every module (this module sees them all on its test
 * class path): the contract depends on no client library, services never depend on each other, the station agent
 * carries no Kafka client and no server database, only the one consumer loop polls Kafka, and no module has package
 * cycles.
 */
class ArchitectureTest {

    private static final String AGENT = "io.testline.agent..";
    private static final String BRIDGE = "io.testline.bridge..";
    private static final String CONSUMER = "io.testline.consumer..";
    private static final String SHOPFLOOR = "io.testline.shopfloor..";

    private static final DescribedPredicate<JavaCall<?>> KAFKA_POLL =
        target(name("poll")).and(target(owner(assignableTo(Consumer.class))));

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.testline");
    }

    @Test
    void every_module_is_imported() {
        // the modules come as target/classes in `mvn test` and as jars in `mvn verify`: both must be seen
        for (String module : new String[] {"schemas", "config", "metrics", "kafka", "agent", "bridge", "consumer", "shopfloor", "cli",
            "brokers", "interop", "access", "web"}) {
            assertThat(main.stream().filter(c -> c.getPackageName().startsWith("io.testline." + module)).count())
                .as("main classes of io.testline.%s", module)
                .isPositive();
        }
    }

    @Test
    void the_contract_depends_on_no_messaging_client_database_or_other_module() {
        ArchRule rule = noClasses().that().resideInAPackage("io.testline.schemas..")
            .should().dependOnClassesThat().resideInAnyPackage(
                "org.apache.kafka..", "org.eclipse.paho..", "com.hivemq..", "java.sql..", "org.postgresql..",
                AGENT, BRIDGE, CONSUMER, SHOPFLOOR, "io.testline.cli..", "io.testline.brokers..")
            .because("schemas is the contract every side shares; it must load on a station PC and in every service");
        rule.check(main);
    }

    @Test
    void common_depends_on_no_service() {
        ArchRule rule = noClasses().that().resideInAnyPackage(
                "io.testline.config..", "io.testline.errors..", "io.testline.retry..", "io.testline.tls..",
                "io.testline.metrics..", "io.testline.kafka..", "io.testline.text..", "io.testline.login..")
            .should().dependOnClassesThat().resideInAnyPackage(
                AGENT, BRIDGE, CONSUMER, SHOPFLOOR, "io.testline.cli..", "io.testline.brokers..")
            .because("common is below every service");
        rule.check(main);
    }

    @Test
    void the_export_formats_depend_on_no_service() {
        ArchRule rule = noClasses().that().resideInAPackage("io.testline.interop..")
            .should().dependOnClassesThat().resideInAnyPackage(
                AGENT, BRIDGE, CONSUMER, SHOPFLOOR, "io.testline.web..", "io.testline.cli..", "io.testline.brokers..",
                "org.apache.kafka..")
            .because("one mapping per format serves the query API, the web and the CLI alike; it reads the result "
                + "tables through JDBC and knows none of them");
        rule.check(main);
    }

    @Test
    void the_access_model_depends_on_no_service_and_the_agent_does_not_carry_it() {
        noClasses().that().resideInAPackage("io.testline.access..")
            .should().dependOnClassesThat().resideInAnyPackage(
                AGENT, BRIDGE, CONSUMER, SHOPFLOOR, "io.testline.web..", "io.testline.cli..", "io.testline.brokers..")
            .because("the query API and the web share one access model below both")
            .check(main);
        noClasses().that().resideInAPackage(AGENT)
            .should().dependOnClassesThat().resideInAnyPackage("io.testline.access..", "io.javalin..")
            .because("the agent serves only its metrics, with the JDK's server; a station PC carries no web framework")
            .check(main);
    }

    @Test
    void the_station_agent_carries_no_kafka_client_and_no_server_database() {
        ArchRule rule = noClasses().that().resideInAPackage(AGENT)
            .should().dependOnClassesThat().resideInAnyPackage(
                "org.apache.kafka..", "org.postgresql..", "com.hivemq..", "io.testline.brokers..",
                "io.testline.kafka..")
            .because("the agent runs on station PCs: it speaks MQTT and keeps its journal in SQLite, nothing else");
        rule.check(main);
    }

    @Test
    void services_never_depend_on_each_other() {
        slices().matching("io.testline.(agent|bridge|consumer|shopfloor)..")
            .should().notDependOnEachOther()
            .because("each service is deployed and scaled on its own; what they share lives in schemas or common")
            .check(main);
    }

    @Test
    void services_never_depend_on_the_cli_or_the_embedded_servers() {
        ArchRule rule = noClasses().that().resideInAnyPackage(AGENT, BRIDGE, CONSUMER, SHOPFLOOR)
            .should().dependOnClassesThat().resideInAnyPackage("io.testline.cli..", "io.testline.brokers..")
            .because("the CLI wires services together and standalone starts servers for them, never the reverse");
        rule.check(main);
    }

    @Test
    void the_audit_depends_on_no_service_the_cli_or_the_web() {
        assertThat(main.stream().filter(c -> c.getPackageName().startsWith("io.testline.audit")).count())
            .as("main classes of io.testline.audit").isPositive();
        ArchRule rule = noClasses().that().resideInAPackage("io.testline.audit..")
            .should().dependOnClassesThat().resideInAnyPackage(
                AGENT, BRIDGE, CONSUMER, SHOPFLOOR, "io.testline.cli..", "io.testline.web..", "io.testline.brokers..")
            .because("testline audit and the web's audit page share one reconciliation; it reads Kafka and the "
                + "databases, never a service's classes");
        rule.check(main);
    }

    @Test
    void only_the_one_consumer_loop_polls_kafka() {
        assertThat(main.get(ConsumerLoop.class).getMethodCallsFromSelf()).as("the rule sees the loop's own poll")
            .anyMatch(KAFKA_POLL);
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.testline.cli..")
            .and().doNotHaveFullyQualifiedName(ConsumerLoop.class.getName())
            .and().doNotHaveFullyQualifiedName(ReadToEnd.class.getName())
            .and().doNotHaveFullyQualifiedName(TopicWindow.class.getName())
            .should().callMethodWhere(KAFKA_POLL)
            .because("a service reads topics through kafka-common's ConsumerLoop (poll, commit only what is done, "
                + "rewind, pause, rebalance, metrics); the bounded reads by assign, without a group, that commit "
                + "nothing are exempt: kafka-common's ReadToEnd (a state topic at start, a rebuild) and TopicWindow "
                + "(audit, replay, export), and testline-cli's readers (tail)");
        rule.check(main);
    }

    @Test
    void no_module_has_package_cycles() {
        slices().matching("io.testline.(*)..")
            .should().beFreeOfCycles()
            .check(main);
        slices().matching("io.testline.(*).(*)..")
            .should().beFreeOfCycles()
            .because("a package that needs another which needs it back is one job split in two, or two jobs tangled")
            .check(main);
    }
}
