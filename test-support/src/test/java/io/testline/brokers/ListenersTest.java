package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which addresses of /proc/net/tcp{,6} a local client of 127.0.0.1 or localhost could reach. */
class ListenersTest {

    @Test
    void ipv4_loopback_and_wildcard_count_other_addresses_do_not() {
        assertThat(Listeners.reachableLocally("0100007F")).as("127.0.0.1").isTrue();
        assertThat(Listeners.reachableLocally("0200007F")).as("127.0.0.2").isTrue();
        assertThat(Listeners.reachableLocally("00000000")).as("0.0.0.0").isTrue();
        assertThat(Listeners.reachableLocally("0501A8C0")).as("192.168.1.5").isFalse();
    }

    @Test
    void ipv6_loopback_wildcard_and_mapped_loopback_count_other_addresses_do_not() {
        assertThat(Listeners.reachableLocally("00000000000000000000000001000000")).as("::1").isTrue();
        assertThat(Listeners.reachableLocally("00000000000000000000000000000000")).as("::").isTrue();
        assertThat(Listeners.reachableLocally("0000000000000000FFFF00000100007F")).as("::ffff:127.0.0.1").isTrue();
        assertThat(Listeners.reachableLocally("0000000000000000FFFF00000501A8C0")).as("::ffff:192.168.1.5")
                .isFalse();
        assertThat(Listeners.reachableLocally("000080FE00000000FF565002BD69B1FE")).as("fe80::...").isFalse();
    }
}
