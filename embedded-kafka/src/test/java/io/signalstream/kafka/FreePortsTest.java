package io.signalstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;

class FreePortsTest {

    /**
     * Ports picked together never repeat, come from below the kernel's ephemeral range, and each
     * can be listened on once they are returned.
     */
    @RepeatedTest(20)
    void portsPickedTogetherAreDistinctAndFree() throws Exception {
        int[] ports = FreePorts.pick(8, "127.0.0.1");
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(8);
        if (FreePorts.roomBelow(FreePorts.highest())) {
            // below the ephemeral range: no port 0 listener or outgoing connection can take them
            assertThat(Arrays.stream(ports).boxed().toList())
                    .allSatisfy(
                            p -> assertThat(p).isBetween(FreePorts.LOWEST, FreePorts.highest()));
        }
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @RepeatedTest(5)
    void aPortInUseIsNeverPicked() throws Exception {
        InetAddress host = InetAddress.getByName("127.0.0.1");
        int[] held = FreePorts.pick(50, "127.0.0.1");
        List<ServerSocket> listening = new ArrayList<>();
        try {
            for (int port : held) {
                listening.add(new ServerSocket(port, 1, host));
            }
            int[] more = FreePorts.pick(50, "127.0.0.1");
            assertThat(Arrays.stream(more).boxed().toList())
                    .doesNotContainAnyElementsOf(Arrays.stream(held).boxed().toList());
        } finally {
            for (ServerSocket s : listening) {
                s.close();
            }
        }
    }
}
