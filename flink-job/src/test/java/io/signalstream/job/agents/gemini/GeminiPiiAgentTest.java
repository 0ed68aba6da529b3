package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.pii.PiiDetector;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiPiiAgentTest {

    @Test
    void entitiesTheModelFindsInRedactedTextGetOffsetsInTheOriginal() {
        String original =
                "Mail bob@example.org or call +1 650 253 0000, I am Jane Roe from Berlin.";
        PiiResult local = new PiiDetector("US").detect(original, "m1");
        assertThat(local.redactedMessage())
                .isEqualTo(
                        "Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>, I am Jane Roe from Berlin.");

        PiiResult merged =
                GeminiPiiAgent.merge(
                        local,
                        local.redactedMessage(),
                        List.of(
                                new String[] {"PERSON", "Jane Roe"},
                                new String[] {"LOCATION", "Berlin"},
                                new String[] {"PERSON", "Somebody Absent"},
                                new String[] {"PERSON", "<EMAIL_ADDRESS>"}),
                        "m1");

        assertThat(merged.entities()).hasSize(local.entities().size() + 2);
        for (PiiEntity e :
                merged.entities().subList(local.entities().size(), merged.entities().size())) {
            String value = original.substring(e.start(), e.end());
            assertThat(value).isIn("Jane Roe", "Berlin");
            assertThat(e.masked())
                    .startsWith(value.substring(0, 1))
                    .doesNotContain(value.substring(1));
        }
        assertThat(merged.redactedMessage())
                .isEqualTo(
                        "Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>, I am <PERSON> from <LOCATION>.");
        assertThat(merged.hasPii()).isTrue();
    }

    @Test
    void withNothingNewTheLocalResultStands() {
        PiiResult local = new PiiDetector("US").detect("Where is my parcel?", "m2");
        PiiResult merged = GeminiPiiAgent.merge(local, local.redactedMessage(), List.of(), "m2");
        assertThat(merged).isEqualTo(local);
    }
}
