package io.signalstream.local.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Support messages for the benchmarks: customer and agent lines of varied length and intent, some
 * with personal data (an e-mail, a phone or a card number), deterministic for a seed. Every
 * message's text is different (order numbers, names), so nothing downstream can cache it.
 */
final class Corpus {

    private static final String[] CUSTOMER = {
        "Hi, my order #%d still hasn't arrived and it's been two weeks. Where is it?",
        "I was charged twice for order %d, please refund one of the payments.",
        "The app crashes every time I open settings since the last update. Really frustrating!",
        "Thanks so much, that fixed it. You've been a great help :)",
        "I want to cancel my subscription, this is the third time I ask. I'm furious.",
        "Does the X%d come with a charger? Is it compatible with my phone?",
        "I can't log in, the password reset email never arrives.",
        "ok",
        "Can you send the invoice for order %d again? The first one had the wrong address.",
        "My parcel %d says delivered but there is nothing at my door. Please check with the courier.",
        "Why is my bill higher this month? I did not change anything on my plan.",
        "The package arrived damaged, the box was crushed and the screen is cracked.",
        "Still waiting for my refund for order %d, you said 5 days and it's been 3 weeks!!",
        "Is it possible to change the delivery address for order %d before it ships?",
        "Your support is useless, nobody answers my emails. I will dispute the charge with my bank.",
        "Hello, what are your opening hours on Sunday?",
        "The device keeps disconnecting from wifi every few minutes, I already restarted it.",
        "Great service, the replacement arrived the next day. Thank you!",
        "Please call me back at (415) 555-%04d, I prefer to sort this out by phone.",
        "My email is customer%d@example.com, please send the confirmation there.",
        "I paid with card 4111 1111 1111 1111 and the payment was declined, why?",
        "How long does the battery last on a full charge? The manual doesn't say.",
        "I was promised a call from a manager yesterday and nobody called. Let me speak to your supervisor.",
        "The discount code %d doesn't work at checkout, it says expired but the email says valid until Friday.",
    };

    private static final String[] AGENT = {
        "Sorry to hear that! Let me check the status of order %d for you.",
        "I have issued the refund, it should reach your account within 3-5 business days.",
        "Could you tell me which version of the app you are using?",
        "Thanks for your patience. I have escalated this to our delivery team.",
        "I understand how frustrating this is. I'm looking into it right now.",
        "Your new password reset link is on its way, please check your spam folder too.",
        "The invoice has been sent again to the address on file.",
        "Is there anything else I can help you with today?",
        "I've added a note to your account and a credit of %d points as an apology.",
        "Our opening hours on Sunday are 10am to 4pm.",
    };

    private final SplittableRandom random;

    Corpus(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The text of a message: a customer's for odd {@code seq}, mostly, an agent's otherwise. */
    String text(boolean customer) {
        String[] lines = customer ? CUSTOMER : AGENT;
        String template = lines[random.nextInt(lines.length)];
        return template.contains("%") ? template.formatted(random.nextInt(10_000)) : template;
    }

    /** Who writes the {@code seq}-th message of a conversation: customers open and write more. */
    static boolean customer(long seq) {
        return seq % 3 != 2;
    }

    /** The raw record value the API writes for a message. */
    static byte[] json(
            String tenant,
            String conversation,
            String messageId,
            boolean customer,
            String text,
            Instant at) {
        return ("{\"message_id\":\""
                        + messageId
                        + "\",\"tenant_id\":\""
                        + tenant
                        + "\",\"conversation_id\":\""
                        + conversation
                        + "\",\"sender\":\""
                        + (customer ? "customer" : "agent")
                        + "\",\"message\":\""
                        + text.replace("\"", "\\\"")
                        + "\",\"channel\":\"chat\",\"timestamp\":\""
                        + at
                        + "\",\"metadata\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A POST body for a message. */
    static String post(String conversation, String messageId, boolean customer, String text) {
        return "{\"conversation_id\":\""
                + conversation
                + "\",\"message_id\":\""
                + messageId
                + "\",\"sender\":\""
                + (customer ? "customer" : "agent")
                + "\",\"channel\":\"chat\",\"message\":\""
                + text.replace("\"", "\\\"")
                + "\"}";
    }
}
