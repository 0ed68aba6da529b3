package io.signalstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the customer wants, from the fixed list in the design. */
public enum Intent {
    COMPLAINT,
    REFUND_REQUEST,
    ORDER_STATUS,
    CANCELLATION,
    BILLING,
    ACCOUNT_ACCESS,
    TECHNICAL_ISSUE,
    PRODUCT_QUESTION,
    SHIPPING_DELIVERY,
    FEEDBACK_PRAISE,
    GENERAL_INQUIRY;

    /** Its name on the wire, kept: records name their enums many times per message. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Intent fromWire(String value) {
        return WireEnums.parse(Intent.class, value);
    }
}
