package io.signalstream.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressGuardTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            https://93.184.216.34/hook            |          | ok
            http://127.0.0.1:8080/hook            |          | loopback
            http://localhost/hook                 |          | loopback
            http://[::1]/hook                     |          | loopback
            http://127.0.0.1:8080/hook            | loopback | ok
            http://10.1.2.3/hook                  | loopback | private
            http://172.16.0.9/hook                |          | private
            http://192.168.1.1/hook               |          | private
            http://100.64.0.1/hook                |          | private
            http://[fd00::1]/hook                 |          | private
            http://10.1.2.3/hook                  | private  | ok
            http://169.254.169.254/latest/meta-data |        | link-local
            http://0.0.0.0/hook                   |          | reserved
            ftp://93.184.216.34/hook              |          | http or https
            https://user:pw@93.184.216.34/hook    |          | credentials
            """)
    void onlyPublicAddressesUnlessAllowed(String url, String allow, String expected) {
        AddressGuard guard = new AddressGuard(allow == null ? Set.of() : Set.of(allow));
        var refusal = guard.refusal(URI.create(url));
        if (expected.equals("ok")) {
            assertThat(refusal).isEmpty();
        } else {
            assertThat(refusal).hasValueSatisfying(r -> assertThat(r).contains(expected));
        }
    }

    @org.junit.jupiter.api.Test
    void anUnknownKindIsAConfigurationMistake() {
        assertThatThrownBy(() -> new AddressGuard(Set.of("everything")))
                .hasMessageContaining("SIGNALSTREAM_WEBHOOK_ALLOW");
    }
}
