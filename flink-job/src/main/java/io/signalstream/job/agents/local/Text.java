package io.signalstream.job.agents.local;

import io.signalstream.model.RecentMessage;
import io.signalstream.model.Sender;
import java.util.List;
import java.util.regex.Pattern;

/** Small text helpers shared by the offline agents. */
final class Text {

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Text() {}

    static List<RecentMessage> fromCustomer(List<RecentMessage> messages) {
        return messages.stream().filter(m -> m.sender() == Sender.CUSTOMER).toList();
    }

    static String clip(String text, int max) {
        String t = SPACES.matcher(text.strip()).replaceAll(" ");
        return t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }

    static boolean containsAny(String lowerText, String... needles) {
        for (String n : needles) {
            if (lowerText.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
