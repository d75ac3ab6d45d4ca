package io.testline.brokers.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiredToolsTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private static RequiredTools tools(String required, boolean installed) {
        return new RequiredTools(required, program -> installed ? Optional.of(MOSQUITTO) : Optional.empty());
    }

    @Test
    void an_installed_tool_is_returned_whatever_is_required() {
        assertThat(tools(null, true).requireTool("mosquitto")).isEqualTo(MOSQUITTO);
        assertThat(tools("mosquitto", true).requireTool("mosquitto")).isEqualTo(MOSQUITTO);
        assertThat(tools("faketime", true).optionalTool("faketime")).contains(MOSQUITTO);
    }

    @Test
    void a_missing_tool_skips_the_test_naming_the_tool_and_its_package() {
        assertThatThrownBy(() -> tools(null, false).requireTool("mosquitto_sub"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("mosquitto_sub")
                .hasMessageContaining("apt-get install mosquitto-clients");
        assertThatThrownBy(() -> tools("", false).requireTool("mosquitto"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install mosquitto");
        assertThat(tools("mosquitto", false).optionalTool("faketime")).isEmpty();
    }

    @Test
    void a_missing_tool_that_the_environment_requires_fails_the_test() {
        assertThatThrownBy(() -> tools("mosquitto, faketime", false).requireTool("mosquitto"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("apt-get install mosquitto")
                .hasMessageContaining(RequiredTools.ENV);
        assertThatThrownBy(() -> tools("mosquitto,FAKETIME", false).optionalTool("faketime"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("apt-get install faketime");
    }

    @Test
    void a_package_name_requires_each_of_its_programs() {
        RequiredTools tools = tools("mosquitto,mosquitto-clients", false);
        assertThat(tools.isRequired("mosquitto_passwd")).isTrue();
        assertThat(tools.isRequired("mosquitto_sub")).isTrue();
        assertThat(tools.isRequired("faketime")).isFalse();
        assertThat(tools("mosquitto_passwd", false).isRequired("mosquitto")).isFalse();
    }

    @Test
    void an_unknown_program_is_a_mistake_in_the_test() {
        assertThatThrownBy(() -> tools(null, false).requireTool("kcat"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kcat");
    }
}
