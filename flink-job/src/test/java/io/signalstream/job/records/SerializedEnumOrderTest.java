package io.signalstream.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalstream.model.AgentKind;
import io.signalstream.model.Channel;
import io.signalstream.model.Emotion;
import io.signalstream.model.Intent;
import io.signalstream.model.ResolutionStatus;
import io.signalstream.model.Sender;
import io.signalstream.model.SentimentLabel;
import io.signalstream.model.Urgency;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The job's state stores enums by ordinal: their order is part of the state format. Add new
 * constants at the end; never reorder or remove one (raise the format instead).
 */
class SerializedEnumOrderTest {

    private static String order(Enum<?>[] values) {
        return String.join(",", Arrays.stream(values).map(Enum::name).toList());
    }

    @Test
    void enumsInStateKeepTheirOrder() {
        assertThat(order(Sender.values())).isEqualTo("CUSTOMER,AGENT,SYSTEM");
        assertThat(order(Channel.values())).isEqualTo("CHAT,EMAIL,SMS,VOICE,SOCIAL,OTHER");
        assertThat(order(AgentKind.values())).isEqualTo("SENTIMENT,PII,INSIGHTS,SUMMARY,REPLY");
        assertThat(order(SentimentLabel.values())).isEqualTo("POSITIVE,NEUTRAL,NEGATIVE,MIXED");
        assertThat(order(Urgency.values())).isEqualTo("LOW,MEDIUM,HIGH,CRITICAL");
        assertThat(order(ResolutionStatus.values())).isEqualTo("OPEN,PENDING,RESOLVED");
        assertThat(order(AgentRequest.Kind.values()))
                .isEqualTo("MESSAGE,ANALYSIS,SUMMARY,EXPIRE,ERASE");
        assertThat(order(Intent.values()))
                .isEqualTo(
                        "COMPLAINT,REFUND_REQUEST,ORDER_STATUS,CANCELLATION,BILLING,ACCOUNT_ACCESS,"
                                + "TECHNICAL_ISSUE,PRODUCT_QUESTION,SHIPPING_DELIVERY,FEEDBACK_PRAISE,"
                                + "GENERAL_INQUIRY");
        assertThat(order(Emotion.values()))
                .isEqualTo(
                        "FRUSTRATED,ANGRY,ANXIOUS,CONFUSED,DISAPPOINTED,SATISFIED,GRATEFUL,NEUTRAL");
    }
}
