package io.signalstream.job.pii;

import io.signalstream.model.PiiEntity;
import io.signalstream.model.PiiResult;
import io.signalstream.model.PiiTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

/**
 * Finds personal data in a message and redacts it. Runs before text is stored in state or sent to
 * any model, so raw PII never leaves the operator that first sees it.
 *
 * <p>Patterns use bounded quantifiers only, so matching stays linear on hostile input.
 */
public final class PiiDetector {

    private static final Pattern EMAIL =
            Pattern.compile(
                    "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){1,8}");

    /** 13 to 19 digits, optionally grouped by single spaces or dashes. */
    private static final Pattern CARD =
            Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])");

    /** Finds entities in {@code text}; offsets refer to {@code text} as given. */
    public PiiResult detect(String text, String messageId) {
        List<PiiEntity> found = new ArrayList<>();
        Matcher email = EMAIL.matcher(text);
        while (email.find()) {
            String value = email.group();
            if (value.substring(value.indexOf('@')).contains(".")) {
                found.add(entity(PiiTypes.EMAIL_ADDRESS, email, maskEmail(value), 0.95, messageId));
            }
        }
        Matcher card = CARD.matcher(text);
        while (card.find()) {
            String digits = card.group().replaceAll("[ -]", "");
            if (digits.length() >= 13
                    && digits.length() <= 19
                    && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(digits)
                    && !overlaps(found, card.start(), card.end())) {
                found.add(
                        entity(
                                PiiTypes.CREDIT_CARD,
                                card,
                                "****" + digits.substring(digits.length() - 4),
                                0.9,
                                messageId));
            }
        }
        found.sort(Comparator.comparingInt(PiiEntity::start));
        return new PiiResult(!found.isEmpty(), List.copyOf(found), redact(text, found));
    }

    /** The text with each entity replaced by {@code <TYPE>}. */
    static String redact(String text, List<PiiEntity> entities) {
        if (entities.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PiiEntity e : entities) {
            out.append(text, at, e.start()).append('<').append(e.type()).append('>');
            at = e.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    private static PiiEntity entity(
            String type, Matcher m, String masked, double confidence, String messageId) {
        return new PiiEntity(type, m.start(), m.end(), masked, confidence, messageId);
    }

    private static boolean overlaps(List<PiiEntity> found, int start, int end) {
        return found.stream().anyMatch(e -> start < e.end() && e.start() < end);
    }

    private static String maskEmail(String email) {
        int at = email.indexOf('@');
        return email.charAt(0) + "***" + email.substring(at);
    }
}
