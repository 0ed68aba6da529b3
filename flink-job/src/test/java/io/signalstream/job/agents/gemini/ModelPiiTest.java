package io.signalstream.job.agents.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.job.pii.PiiDetector;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelPiiTest {

    @Test
    void entitiesTheModelFindsInRedactedTextGetOffsetsInTheOriginal() {
        String original =
                "Mail bob@example.org or call +1 650 253 0000, I am Jane Roe from Berlin.";
        PiiResult local = new PiiDetector("US").detect(original, "m1");
        assertThat(local.redactedMessage())
                .isEqualTo(
                        "Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>, I am Jane Roe from Berlin.");

        ModelPii.Found found =
                ModelPii.merge(
                        local.entities(),
                        local.redactedMessage(),
                        List.of(
                                new String[] {"PERSON", "Jane Roe"},
                                new String[] {"LOCATION", "Berlin"},
                                new String[] {"PERSON", "Somebody Absent"},
                                new String[] {"PERSON", "<EMAIL_ADDRESS>"}),
                        "m1");

        assertThat(found.entities()).hasSize(2);
        for (PiiEntity e : found.entities()) {
            String value = original.substring(e.start(), e.end());
            assertThat(value).isIn("Jane Roe", "Berlin");
            assertThat(e.masked())
                    .startsWith(value.substring(0, 1))
                    .doesNotContain(value.substring(1));
        }
        assertThat(found.redacted())
                .isEqualTo(
                        "Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>, I am <PERSON> from <LOCATION>.");
    }

    @Test
    void withNothingNewTheRedactedTextStands() {
        PiiResult local = new PiiDetector("US").detect("Where is my parcel?", "m2");
        ModelPii.Found found =
                ModelPii.merge(local.entities(), local.redactedMessage(), List.of(), "m2");
        assertThat(found.entities()).isEmpty();
        assertThat(found.redacted()).isEqualTo("Where is my parcel?");
    }
}
