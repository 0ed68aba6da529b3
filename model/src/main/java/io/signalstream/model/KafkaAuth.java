package io.signalstream.model;

import java.util.Properties;

/**
 * Client settings for a managed Kafka (e.g. Confluent Cloud) from {@code KAFKA_API_KEY} and {@code
 * KAFKA_API_SECRET}: SASL_SSL with PLAIN. Shared by the job and the API so both connect alike.
 */
public final class KafkaAuth {

    private KafkaAuth() {}

    /** Empty properties (plain connection) when no key is given. */
    public static Properties clientProperties(String apiKey, String apiSecret) {
        return clientProperties(apiKey, apiSecret, null, null);
    }

    /**
     * Like {@link #clientProperties(String, String)}, trusting the brokers' certificates from a
     * truststore ({@code KAFKA_SSL_TRUSTSTORE_LOCATION}/{@code _PASSWORD}) when the cluster's CA is
     * not a public one. Managed services with public certificates need none.
     */
    public static Properties clientProperties(
            String apiKey, String apiSecret, String truststoreLocation, String truststorePassword) {
        Properties props = new Properties();
        if (apiKey == null || apiKey.isBlank()) {
            return props;
        }
        if (apiSecret == null || apiSecret.isBlank()) {
            throw new IllegalArgumentException("KAFKA_API_KEY is set but KAFKA_API_SECRET is not");
        }
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "PLAIN");
        props.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + escape(apiKey)
                        + "\" password=\""
                        + escape(apiSecret)
                        + "\";");
        if (truststoreLocation != null && !truststoreLocation.isBlank()) {
            props.put("ssl.truststore.location", truststoreLocation);
            if (truststorePassword != null) {
                props.put("ssl.truststore.password", truststorePassword);
            }
        }
        return props;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
