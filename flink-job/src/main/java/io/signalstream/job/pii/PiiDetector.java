package io.signalstream.job.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.PiiTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.validator.routines.CodeValidator;
import org.apache.commons.validator.routines.CreditCardValidator;
import org.apache.commons.validator.routines.CreditCardValidator.CreditCardRange;
import org.apache.commons.validator.routines.EmailValidator;
import org.apache.commons.validator.routines.IBANValidator;
import org.apache.commons.validator.routines.InetAddressValidator;

/**
 * Finds personal data in a message and redacts it. Runs before text is stored in state or sent to
 * any model, so raw PII never leaves the operator that first sees it.
 *
 * <p>Regular expressions only propose candidates; well-kept validators decide: commons-validator
 * for e-mail, cards (Luhn and issuer ranges), IBAN (mod-97 and country lengths) and IP addresses,
 * libphonenumber for phone numbers, and the published rules for US social security numbers. Every
 * pattern uses bounded, possessive quantifiers, so matching stays linear on hostile input.
 *
 * <p>Where candidates overlap, the stronger evidence wins, in this order: e-mail, IBAN, card, SSN,
 * IP address, phone number.
 */
public final class PiiDetector {

    private static final Pattern EMAIL =
            Pattern.compile(
                    "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@[A-Za-z0-9-]{1,63}+(?:\\.[A-Za-z0-9-]{1,63}+){1,8}+");
    private static final Pattern IBAN =
            Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}+(?![A-Za-z0-9])");

    /**
     * 13 to 19 digits, optionally grouped by up to {@value #MAX_GAP} spaces, dashes or dots (on the
     * folded text, where every space-like character is a space and every dash a dash).
     */
    private static final Pattern CARD =
            Pattern.compile("(?<![\\d-])\\d(?:[ .-]{0,3}+\\d){12,18}+(?![\\d-])");

    private static final int MAX_GAP = 3;

    /** Fewest digits a phone number is looked for in, and the context searched around them. */
    private static final int MIN_PHONE_DIGITS = 7;

    private static final int PHONE_BEFORE = 8;
    private static final int PHONE_AFTER = 24;

    /** Three, two and four digits separated by one dash or one space, the same both times. */
    private static final Pattern SSN_GROUPED =
            Pattern.compile(
                    "(?<![\\d-])(?<area>\\d{3})(?<sep>[- ])(?<group>\\d{2})\\k<sep>(?<serial>\\d{4})(?![\\d-])");

    private static final Pattern SSN_PLAIN =
            Pattern.compile(
                    "(?<![\\d-])(?<area>\\d{3})(?<group>\\d{2})(?<serial>\\d{4})(?![\\d-])");
    private static final Pattern SSN_CONTEXT =
            Pattern.compile("(?i)\\b(?:ssn|social security|ss#|ss no)");
    private static final Pattern OTHER_NUMBER_CONTEXT =
            Pattern.compile(
                    "(?i)(?:order|tracking|invoice|ticket|ref(?:erence)?|case|account|po|model|serial|part)\\s{0,3}+(?:#|no\\.?|number)?\\s{0,3}+:?\\s{0,3}+$");
    private static final Pattern IPV4 =
            Pattern.compile("(?<![\\d.])\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}(?!\\d|\\.\\d)");
    private static final Pattern IPV6 =
            Pattern.compile(
                    "(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}+:){2,7}+[0-9A-Fa-f]{0,4}+(?![0-9A-Fa-f:])");
    private static final Pattern VERSION_CONTEXT =
            Pattern.compile("(?i)(?<![a-z])(?:version|ver\\.?|v)\\s{0,2}+$");

    /**
     * The brands commons-validator knows, plus the issuer ranges it has no validator for: JCB
     * (3528–3589), UnionPay (62) and Maestro (50, 56–69); all Luhn-checked.
     */
    private static final CreditCardValidator CARDS =
            new CreditCardValidator(
                    new CodeValidator[] {
                        CreditCardValidator.AMEX_VALIDATOR,
                        CreditCardValidator.VISA_VALIDATOR,
                        CreditCardValidator.MASTERCARD_VALIDATOR,
                        CreditCardValidator.DISCOVER_VALIDATOR,
                        CreditCardValidator.DINERS_VALIDATOR,
                        CreditCardValidator.VPAY_VALIDATOR
                    },
                    new CreditCardRange[] {
                        new CreditCardRange("3528", "3589", 16, 19),
                        new CreditCardRange("62", null, 16, 19),
                        new CreditCardRange("50", null, 12, 19),
                        new CreditCardRange("56", "69", 12, 19)
                    });

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /**
     * @param defaultRegion ISO 3166 region for phone numbers written without a country code
     */
    public PiiDetector(String defaultRegion) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        if (!phones.getSupportedRegions().contains(this.defaultRegion)) {
            throw new IllegalArgumentException("unknown phone region '" + defaultRegion + "'");
        }
    }

    public PiiDetector() {
        this("US");
    }

    /**
     * Finds entities in {@code text}; offsets refer to {@code text} as given.
     *
     * <p>The checks run on a folded copy of the same length: every decimal digit of any script
     * (full-width {@code ４}, Arabic-Indic, ...) becomes its ASCII digit, every space-like character
     * (no-break, figure, thin, ideographic) a space, every dash a {@code -} and the full-width full
     * stop a {@code .}. Redaction replaces the original characters.
     */
    public PiiResult detect(String original, String messageId) {
        String text = fold(original);
        List<PiiEntity> found = new ArrayList<>(2);
        // Most messages hold no number long enough to be personal data: one pass over the text
        // says which of the costlier checks can find anything at all.
        Shape shape = Shape.of(text);
        if (shape.at) {
            emails(text, messageId, found);
        }
        if (shape.ibanStart) {
            ibans(text, messageId, found);
        }
        if (shape.longestGrouped >= 13) {
            cards(text, messageId, found);
        }
        if (shape.longestGrouped >= 9) {
            ssns(text, messageId, found);
        }
        if (shape.digitDotDigit && shape.digits >= 4 || shape.colons >= 2) {
            ips(text, messageId, found);
        }
        if (shape.longestDialled >= MIN_PHONE_DIGITS) {
            phoneNumbers(text, messageId, found);
        }
        if (found.isEmpty()) {
            return new PiiResult(false, List.of(), text);
        }
        found.sort(Comparator.comparingInt(PiiEntity::start));
        return new PiiResult(true, List.copyOf(found), redact(original, found));
    }

    /** See {@link #detect}: one char for one char, so offsets hold; the text itself when plain. */
    static String fold(String text) {
        char[] out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            char f = foldChar(c);
            if (f != c) {
                if (out == null) {
                    out = text.toCharArray();
                }
                out[i] = f;
            }
        }
        return out == null ? text : new String(out);
    }

    private static char foldChar(char c) {
        if (Character.isDigit(c)) {
            return (char) ('0' + Character.digit(c, 10));
        }
        if (Character.isSpaceChar(c)) {
            return ' ';
        }
        if (Character.getType(c) == Character.DASH_PUNCTUATION || c == '\u2212') {
            return '-';
        }
        return c == '\uFF0E' || c == '\u3002' ? '.' : c;
    }

    private static void emails(String text, String id, List<PiiEntity> found) {
        if (text.indexOf('@') < 0) {
            return;
        }
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            String value = m.group();
            int end = m.end();
            while (value.endsWith(".") || value.endsWith("-")) {
                value = value.substring(0, value.length() - 1);
                end--;
            }
            if (EmailValidator.getInstance().isValid(value)) {
                add(found, PiiTypes.EMAIL_ADDRESS, m.start(), end, maskEmail(value), 0.95, id);
            }
        }
    }

    private static void ibans(String text, String id, List<PiiEntity> found) {
        Matcher m = IBAN.matcher(text);
        while (m.find()) {
            String compact = m.group().replace(" ", "");
            if (IBANValidator.getInstance().isValid(compact)) {
                add(
                        found,
                        PiiTypes.IBAN_CODE,
                        m.start(),
                        m.end(),
                        compact.substring(0, 4) + "****" + compact.substring(compact.length() - 4),
                        0.95,
                        id);
            }
        }
    }

    private static void cards(String text, String id, List<PiiEntity> found) {
        Matcher m = CARD.matcher(text);
        while (m.find()) {
            String digits = digitsOf(m.group());
            if (CARDS.isValid(digits)) {
                add(
                        found,
                        PiiTypes.CREDIT_CARD,
                        m.start(),
                        m.end(),
                        "****" + digits.substring(digits.length() - 4),
                        0.95,
                        id);
            }
        }
    }

    /**
     * US SSNs by the published rules: no area 000, 666 or 900-999, no group 00, no serial 0000.
     * Nine digits without dashes count only next to words that say it is one; dashed ones count
     * unless the text just before names another kind of number (order, ticket, ...).
     */
    private static void ssns(String text, String id, List<PiiEntity> found) {
        Matcher m = SSN_GROUPED.matcher(text);
        while (m.find()) {
            if (validSsn(m) && !OTHER_NUMBER_CONTEXT.matcher(before(text, m.start(), 24)).find()) {
                add(
                        found,
                        PiiTypes.US_SSN,
                        m.start(),
                        m.end(),
                        "***-**-" + m.group("serial"),
                        0.85,
                        id);
            }
        }
        m = SSN_PLAIN.matcher(text);
        while (m.find()) {
            if (validSsn(m) && SSN_CONTEXT.matcher(before(text, m.start(), 32)).find()) {
                add(
                        found,
                        PiiTypes.US_SSN,
                        m.start(),
                        m.end(),
                        "*****" + m.group("serial"),
                        0.7,
                        id);
            }
        }
    }

    private static boolean validSsn(Matcher m) {
        int area = Integer.parseInt(m.group("area"));
        return area != 0
                && area != 666
                && area < 900
                && !m.group("group").equals("00")
                && !m.group("serial").equals("0000");
    }

    private static void ips(String text, String id, List<PiiEntity> found) {
        InetAddressValidator validator = InetAddressValidator.getInstance();
        if (text.indexOf('.') >= 0) {
            Matcher m = IPV4.matcher(text);
            while (m.find()) {
                if (validator.isValidInet4Address(m.group())
                        && !VERSION_CONTEXT.matcher(before(text, m.start(), 10)).find()) {
                    String first = m.group().substring(0, m.group().indexOf('.'));
                    add(found, PiiTypes.IP_ADDRESS, m.start(), m.end(), first + ".*.*.*", 0.8, id);
                }
            }
        }
        if (text.indexOf(':') >= 0) {
            Matcher m = IPV6.matcher(text);
            while (m.find()) {
                if (m.group().length() > 2 && validator.isValidInet6Address(m.group())) {
                    String value = m.group();
                    add(
                            found,
                            PiiTypes.IP_ADDRESS,
                            m.start(),
                            m.end(),
                            value.substring(0, value.indexOf(':')) + ":****",
                            0.8,
                            id);
                }
            }
        }
    }

    /**
     * Phone numbers, by libphonenumber, in windows of the text only: each run of at least {@value
     * #MIN_PHONE_DIGITS} digits written with the characters phone numbers are written with, and not
     * already part of another entity, with {@value #PHONE_BEFORE} characters before it and {@value
     * #PHONE_AFTER} after (the matcher looks at the characters around a number and takes in an
     * extension such as {@code ext. 12}). Its matcher costs far more per character than the other
     * checks, and a card or IBAN in the same message would otherwise be parsed as a candidate too.
     */
    private void phoneNumbers(String text, String id, List<PiiEntity> found) {
        int windowStart = -1;
        int windowEnd = -1;
        int i = 0;
        while (i < text.length()) {
            if (!Character.isDigit(text.charAt(i)) && text.charAt(i) != '+') {
                i++;
                continue;
            }
            int runStart = i;
            int digits = 0;
            while (i < text.length()
                    && (Character.isDigit(text.charAt(i)) || Shape.dialSeparator(text.charAt(i)))) {
                if (Character.isDigit(text.charAt(i)) && !overlaps(found, i, i + 1)) {
                    digits++;
                }
                i++;
            }
            if (digits < MIN_PHONE_DIGITS) {
                continue;
            }
            int start = Math.max(0, runStart - PHONE_BEFORE);
            int end = Math.min(text.length(), i + PHONE_AFTER);
            if (windowEnd >= start) {
                windowEnd = end;
            } else {
                findPhoneNumbers(text, windowStart, windowEnd, id, found);
                windowStart = start;
                windowEnd = end;
            }
        }
        findPhoneNumbers(text, windowStart, windowEnd, id, found);
    }

    private void findPhoneNumbers(
            String text, int start, int end, String id, List<PiiEntity> found) {
        if (start < 0) {
            return;
        }
        for (PhoneNumberMatch match :
                phones.findNumbers(
                        text.substring(start, end),
                        defaultRegion,
                        PhoneNumberUtil.Leniency.VALID,
                        Long.MAX_VALUE)) {
            String number = digitsOf(match.rawString());
            add(
                    found,
                    PiiTypes.PHONE_NUMBER,
                    start + match.start(),
                    start + match.end(),
                    "*".repeat(Math.max(0, number.length() - 4))
                            + number.substring(Math.max(0, number.length() - 4)),
                    0.85,
                    id);
        }
    }

    /** Adds the entity unless a stronger one already covers part of it. */
    private static void add(
            List<PiiEntity> found,
            String type,
            int start,
            int end,
            String masked,
            double confidence,
            String id) {
        if (!overlaps(found, start, end)) {
            found.add(new PiiEntity(type, start, end, masked, confidence, id));
        }
    }

    /** Whether an entity found already covers part of {@code [start, end)}. */
    private static boolean overlaps(List<PiiEntity> found, int start, int end) {
        for (PiiEntity e : found) {
            if (start < e.end() && e.start() < end) {
                return true;
            }
        }
        return false;
    }

    /** The text with each entity replaced by {@code <TYPE>}. */
    static String redact(String text, List<PiiEntity> entities) {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PiiEntity e : entities) {
            out.append(text, at, e.start()).append('<').append(e.type()).append('>');
            at = e.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    /**
     * What one pass over a (folded) text tells: whether it has an {@code @}, the start of an IBAN
     * (two capitals and two digits), a digit-dot-digit, colons, and its longest runs of digits:
     * {@code grouped} by up to {@link #MAX_GAP} spaces, dashes or dots (cards, SSNs), {@code
     * dialled} with any of the characters phone numbers are written with.
     */
    private static final class Shape {
        boolean at;
        boolean ibanStart;
        boolean digitDotDigit;
        int colons;
        int digits;
        int longestGrouped;
        int longestDialled;

        static Shape of(String text) {
            Shape s = new Shape();
            int grouped = 0;
            int gap = 0;
            int dialled = 0;
            char previous = ' ';
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isDigit(c)) {
                    s.digits++;
                    grouped++;
                    gap = 0;
                    dialled++;
                    s.longestGrouped = Math.max(s.longestGrouped, grouped);
                    s.longestDialled = Math.max(s.longestDialled, dialled);
                    if (previous == '.' && i >= 2 && Character.isDigit(text.charAt(i - 2))) {
                        s.digitDotDigit = true;
                    }
                    if (i >= 3
                            && Character.isDigit(previous)
                            && isUpper(text.charAt(i - 2))
                            && isUpper(text.charAt(i - 3))) {
                        s.ibanStart = true;
                    }
                } else {
                    boolean group = (c == ' ' || c == '-' || c == '.') && ++gap <= MAX_GAP;
                    grouped = group ? grouped : 0;
                    dialled = dialSeparator(c) ? dialled : 0;
                    if (c == '@') {
                        s.at = true;
                    } else if (c == ':') {
                        s.colons++;
                    }
                }
                previous = c;
            }
            return s;
        }

        private static boolean isUpper(char c) {
            return c >= 'A' && c <= 'Z';
        }

        /** Characters a phone number may be written with between its digits. */
        private static boolean dialSeparator(char c) {
            return c == ' '
                    || c == '-'
                    || c == '.'
                    || c == '('
                    || c == ')'
                    || c == '+'
                    || c == '/'
                    || c == '\u00A0'
                    || Character.getType(c) == Character.DASH_PUNCTUATION;
        }
    }

    private static String before(String text, int index, int length) {
        return text.substring(Math.max(0, index - length), index);
    }

    private static String digitsOf(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String maskEmail(String email) {
        int at = email.indexOf('@');
        return email.charAt(0) + "***" + email.substring(at);
    }
}
