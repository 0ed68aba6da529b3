package io.signalstream.local.bench;

import java.io.IOException;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * How many produce and fetch requests the bench's broker has served, read from its own request
 * meters ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec}) over JMX on a local port:
 * at light load a message's cost is mostly per request, so a run reports requests per message.
 */
final class BrokerRequests implements AutoCloseable {

    /** The request types counted, in the order {@link #counts} returns them. */
    static final List<String> TYPES = List.of("Produce", "Fetch");

    private final JMXConnector connector;
    private final MBeanServerConnection server;

    private BrokerRequests(JMXConnector connector, MBeanServerConnection server) {
        this.connector = connector;
        this.server = server;
    }

    /** The options that open a broker JVM's JMX on {@code port}, on the loopback only. */
    static List<String> jvmOptions(int port) {
        return List.of(
                "-Dcom.sun.management.jmxremote.port=" + port,
                "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false");
    }

    static BrokerRequests connect(int port) throws IOException {
        JMXServiceURL url =
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        JMXConnector connector = JMXConnectorFactory.connect(url);
        return new BrokerRequests(connector, connector.getMBeanServerConnection());
    }

    /** Reads the meters of a broker in this JVM (or on another connection). */
    static BrokerRequests of(MBeanServerConnection server) {
        return new BrokerRequests(null, server);
    }

    /** Requests served so far, by {@link #TYPES}, every API version summed. */
    long[] counts() {
        long[] counts = new long[TYPES.size()];
        try {
            for (int i = 0; i < counts.length; i++) {
                ObjectName pattern =
                        new ObjectName(
                                "kafka.network:type=RequestMetrics,name=RequestsPerSec,request="
                                        + TYPES.get(i)
                                        + ",*");
                for (ObjectName meter : server.queryNames(pattern, null)) {
                    counts[i] += ((Number) server.getAttribute(meter, "Count")).longValue();
                }
            }
        } catch (IOException | JMException e) {
            throw new IllegalStateException("cannot read the broker's request meters", e);
        }
        return counts;
    }

    @Override
    public void close() throws IOException {
        if (connector != null) {
            connector.close();
        }
    }
}
