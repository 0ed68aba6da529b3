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

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Intent fromWire(String value) {
        return WireEnums.parse(Intent.class, value);
    }
}
