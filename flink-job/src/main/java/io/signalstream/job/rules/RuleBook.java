package io.signalstream.job.rules;

import io.signalstream.job.config.KafkaSettings;
import io.signalstream.job.records.SourceRecord;
import io.signalstream.job.source.KafkaSources;
import org.apache.flink.api.connector.source.Source;

/**
 * The tenants' rules as the job reads them: the source the rule operator's broadcast state is built
 * from, and the aggregator's view of which tenants have any ({@link RuleTenants}).
 */
public record RuleBook(Source<SourceRecord, ?, ?> source, RuleTenants tenants) {

    /** {@code support.rules}, for both. */
    public static RuleBook kafka(KafkaSettings kafka) {
        return new RuleBook(KafkaSources.rules(kafka), RuleTenants.reading(kafka));
    }

    /** Another source (a test's): the aggregator then hands every step to the rule operator. */
    public static RuleBook of(Source<SourceRecord, ?, ?> source) {
        return new RuleBook(source, RuleTenants.any());
    }
}
