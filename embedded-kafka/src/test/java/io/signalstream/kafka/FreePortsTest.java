package io.signalstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.RepeatedTest;

class FreePortsTest {

    /** Ports picked together never repeat, and each can be listened on once they are returned. */
    @RepeatedTest(20)
    void portsPickedTogetherAreDistinctAndFree() throws Exception {
        int[] ports = FreePorts.pick(8, "127.0.0.1");
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(8);
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
