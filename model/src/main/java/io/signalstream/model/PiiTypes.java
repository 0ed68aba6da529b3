package io.signalstream.model;

/** Entity type names, as Presidio spells them. More may follow, so the wire carries strings. */
public final class PiiTypes {
    public static final String EMAIL_ADDRESS = "EMAIL_ADDRESS";
    public static final String PHONE_NUMBER = "PHONE_NUMBER";
    public static final String CREDIT_CARD = "CREDIT_CARD";
    public static final String IBAN_CODE = "IBAN_CODE";
    public static final String US_SSN = "US_SSN";
    public static final String IP_ADDRESS = "IP_ADDRESS";

    private PiiTypes() {}
}
