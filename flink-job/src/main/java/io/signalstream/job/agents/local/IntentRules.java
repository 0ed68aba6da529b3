package io.signalstream.job.agents.local;

import io.signalstream.model.Intent;
import java.util.ArrayList;
import java.util.List;

/**
 * Intent by weighted cue phrases together with a trained linear model ({@link IntentModel}): every
 * intent scores the cues found in the text, plus the model's probability, the highest wins, and
 * ties go to the intent declared first in {@link Intent}. Cues match whole words ("app" is not in
 * "unhappy"); a cue ending in {@code *} matches any word starting with it. When neither the cues
 * nor the model point anywhere the message is a general inquiry.
 */
final class IntentRules {

    private static final int INTENTS = Intent.values().length;

    /** The cue score worth the model's full confidence. */
    static final double RULE_SCALE = 5.0;

    /** Below this probability, with no cue at all, the model is not sure of any intent. */
    static final double UNSURE = 0.2;

    /** Every intent's cues, one bit per intent (its ordinal). */
    private static final Cues CUES = new Cues();

    /** Each cue's weight, by its id in {@link #CUES}. */
    private static final List<Double> WEIGHTS = new ArrayList<>();

    /** Cues as {@code "phrase=weight, phrase*=weight, ..."}. */
    private static void cues(Intent intent, String spec) {
        for (String item : spec.split(",\\s*")) {
            int eq = item.lastIndexOf('=');
            int id = CUES.cue(intent.ordinal(), item.substring(0, eq));
            while (WEIGHTS.size() <= id) {
                WEIGHTS.add(0.0);
            }
            WEIGHTS.set(id, Double.parseDouble(item.substring(eq + 1)));
        }
    }

    static {
        cues(
                Intent.COMPLAINT,
                "complain=3.5, complaint=6, thanks for nothing=4, never helps=3, your support=1.5, "
                        + "disappointed=2, unhappy=2, rude=3, rudely=3, worst=2.5, unacceptable=2, terrible service=3, "
                        + "poor service=3, service has=2, disgusted=2.5, hung up=3, treated=2, ignored=2, useless=1.5, nobody=1.5, "
                        + "staff=1, manager was=2.5, technician=1.5, the service=1.5, customer service=2, support team=1.5, "
                        + "quality=2, a joke=2, upset=2, furious=2, sick of=2, same mistakes=3, explain my problem=2.5, "
                        + "unhelpful=2.5, dismissive=2.5, left a mess=3, annoyed=1.5, waiter=2");
        cues(
                Intent.REFUND_REQUEST,
                "refund*=4, refnd=4, money back=4, reimburse*=4, return label=1.5, store credit=1.5, "
                        + "return the=1, return these=1, returned=1");
        cues(
                Intent.ORDER_STATUS,
                "order status=3.5, status of=2.5, my order=2, my ordr=2, ordr=1.5, order=1, shipped yet=2, "
                        + "dispatched=2, dispatch=2, processing=2, confirmed=2, confirmation=2, pre-order=2.5, purchase=1.5, "
                        + "being prepared=2.5, packed=2, ready for pickup=2.5, on its way=2, went through=1.5, "
                        + "update on my order=3, progress=1.5");
        cues(
                Intent.CANCELLATION,
                "cancel=4, cancellation=3, cancelling=3, cancelled=1, unsubscribe=3, close my account=3, "
                        + "terminate=3, stop my subscription=3, stop renewing=3, end my service=2.5, end my contract=2.5, "
                        + "pause my subscription=2, membership=1, subscription=1");
        cues(
                Intent.BILLING,
                "charged=3, charge=2, getting charged=2, invoice*=3, billing=3, billed=3, bill=2.5, payment=2.5, "
                        + "overcharged=3, fee=2, receipt=2.5, installments=2.5, vat=2, card on file=2.5, price increase=2, tax=1.5, "
                        + "discount on my=1.5, pay in=1.5");
        cues(
                Intent.ACCOUNT_ACCESS,
                "password=3, pasword=3, log in=2.5, login=2.5, log me out=1, locked out=3, sign in=2.5, "
                        + "2fa=3, two-factor=3, verification code=2.5, authenticator=2.5, unlock my account=3, account is disabled=3, "
                        + "account was locked=3, account got locked=3, recover*=1.5, credentials=2.5, username=2, access my account=3, "
                        + "lost access=2.5, logged into my account=2.5, reset link=2.5");
        cues(
                Intent.TECHNICAL_ISSUE,
                "error=2.5, errors=2.5, crash*=3, bug=3, not working=3, doesn't work=3, isn't working=3, "
                        + "stopped working=3, broken=1.5, won't load=3, won't turn on=3, freez*=3, down again=2.5, website is down=3, "
                        + "fails=2, failed=1, disconnect*=3, blank screen=3, unresponsive=3, sync=2.5, update=1, app=1.5, "
                        + "not displaying=3, pairing=2.5, wifi=2.5, connecting=2, notifications=2, does nothing=2.5, no results=2, "
                        + "logs me out=3, error code=3, software=1.5, device=1.5");
        cues(
                Intent.PRODUCT_QUESTION,
                "does it=2.5, does the=2.5, does this=2.5, is it=1.5, is the=1.5, is this=1.5, "
                        + "compatible=3, which model=3, what size=3, battery life=3, waterproof=3, dishwasher=3, come with=3, "
                        + "come in=2.5, come assembled=3, replacement=2.5, warranty=3, in stock=3, material=2.5, features=2.5, "
                        + "feature=2, how many=2, difference between=3, suitable for=3, available for=2.5, vegan=3, withstand=3, "
                        + "how do i use=3, w/ android=3, work with=2.5, can i use=2.5, how long does the=2.5, stain=2.5, "
                        + "kids sizes=2.5, offline access=2.5, keyboard=2.5, colors=2.5");
        cues(
                Intent.SHIPPING_DELIVERY,
                "delivery=3, deliver=2.5, delivered=2.5, shipping=3, ship to=3, package=2.5, "
                        + "pakage=2.5, parcel=3, courier=3, tracking=2, track my=2.5, shipment=3, in transit=3, arrive=2, "
                        + "arived=2, arrived=2, arrives=2, driver=2, box=1, left with a neighbour=2, shipping address=3");
        cues(
                Intent.FEEDBACK_PRAISE,
                "thank you=2, thanks=1.5, great job=3.5, well done=3.5, amazing=2, awesome=2, "
                        + "excellent=2, best customer service=4, love the=2.5, loving=2.5, kudos=3.5, five stars=3.5, "
                        + "appreciate=2, impressed=3, above and beyond=3.5, keep up the good work=4, wonderful=2, fantastic=2, "
                        + "brilliant=2, made my day=3, saved my day=3, grateful=2.5, professional and friendly=3, helpful=1.5, "
                        + "lovely=2, no complaints=6, not bad=2, improvement=2, great experience=3.5, i'll buy again=2.5");
        cues(
                Intent.GENERAL_INQUIRY,
                "opening hours=3, open on=3, store in=2.5, head office=3, hiring=3, contact your=2.5, "
                        + "phone number=2, speak to someone=3, loyalty program=3, student discounts=3, newsletter=3, "
                        + "privacy policy=3, gift cards=3, partnership=3, languages=2.5, your company=2.5, warehouse=2.5, "
                        + "information=1.5, question=1");
    }

    /** {@link #WEIGHTS} as read per cue found. */
    private static final double[] WEIGHT = WEIGHTS.stream().mapToDouble(w -> w).toArray();

    private IntentRules() {}

    static Intent classify(String text) {
        return classify(words(text));
    }

    /** The intent of a text already split by {@link #words}. */
    static Intent classify(List<String> words) {
        return classify(words, IntentModel.shared());
    }

    /** The intent by the cue rules and {@code model} together. */
    static Intent classify(List<String> words, IntentModel model) {
        return decide(words, model).intent();
    }

    /**
     * An intent and whether it rests on the model alone (no cue at all): such an intent names a
     * message on its own, but a follow-up like "mail me at ..." does not move a conversation's
     * intent with it.
     */
    record Decision(Intent intent, boolean tentative) {}

    static Decision decide(List<String> words) {
        return decide(words, IntentModel.shared());
    }

    static Decision decide(List<String> words, IntentModel model) {
        if (words.isEmpty()) {
            return new Decision(Intent.GENERAL_INQUIRY, false);
        }
        return decide(scores(words), model.probabilities(words));
    }

    /**
     * {@link #decide(List)} of words already looked up ({@link Lexicon}): each word's cue {@code
     * starts} in {@link #CUES} and its {@code known} words in {@link IntentModel#shared()}.
     */
    static Decision decide(
            List<String> words, Cues.Start[] starts, IntentModel.Word[] known, IntentModel model) {
        if (words.isEmpty()) {
            return new Decision(Intent.GENERAL_INQUIRY, false);
        }
        double[] rules = new double[INTENTS];
        CUES.forEach(
                words, starts, (id, bit) -> rules[Long.numberOfTrailingZeros(bit)] += WEIGHT[id]);
        return decide(rules, model.probabilities(known));
    }

    private static Decision decide(double[] rules, double[] learned) {
        boolean cued = max(rules) > 0;
        if (!cued && max(learned) < UNSURE) {
            return new Decision(Intent.GENERAL_INQUIRY, false); // nothing fits
        }
        return new Decision(best(combined(rules, learned)), !cued);
    }

    /** What {@link #CUES} a word can start. */
    static Cues.Start start(String word) {
        return CUES.start(word);
    }

    private static double max(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** Each intent's cue score, by ordinal. */
    static double[] scores(List<String> words) {
        double[] score = new double[INTENTS];
        CUES.forEach(words, (id, bit) -> score[Long.numberOfTrailingZeros(bit)] += WEIGHT[id]);
        return score;
    }

    /**
     * A cue score of 5 counts as much as the model's full confidence: a clear cue ("refund")
     * decides, the model decides where cues are weak, absent or tied. The weight was chosen by
     * 5-fold cross-validation on the shipped examples (see docs/quality.md).
     */
    static double[] combined(double[] rules, double[] model) {
        double[] out = new double[rules.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rules[i] / RULE_SCALE + model[i];
        }
        return out;
    }

    /** The highest score, ties to the intent declared first; none above 0 is a general inquiry. */
    static Intent best(double[] score) {
        Intent best = Intent.GENERAL_INQUIRY;
        double bestScore = 0;
        for (Intent intent : Intent.values()) {
            if (score[intent.ordinal()] > bestScore) {
                bestScore = score[intent.ordinal()];
                best = intent;
            }
        }
        return best;
    }

    /** Lower-case words: letters, digits and the characters ' / # - inside them. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>(text.length() / 5 + 1);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '\'' || c == '/' || c == '#' || c == '-') {
                word.append(Character.toLowerCase(c));
            } else if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }
}
