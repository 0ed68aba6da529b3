package io.signalstream.job.agents.local;

import io.signalstream.model.Intent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import opennlp.tools.ml.TrainerFactory;
import opennlp.tools.ml.maxent.quasinewton.QNTrainer;
import opennlp.tools.ml.model.AbstractModel;
import opennlp.tools.ml.model.Context;
import opennlp.tools.ml.model.Event;
import opennlp.tools.ml.model.MaxentModel;
import opennlp.tools.util.ObjectStreamUtils;
import opennlp.tools.util.TrainingParameters;

/**
 * A linear model of intent: maximum entropy with L2 regularisation (Apache OpenNLP's quasi-Newton
 * trainer) over words, word prefixes, letter triples, word pairs and the words' polarity in the
 * sentiment lexicon, trained from the labelled utterances in {@code signalstream/intents.tsv} when
 * first used (about a second; the same data gives the same model). Generalises where the cue rules
 * know no phrase: "I can't remember which email I registered with" has no rule cue but words the
 * model has seen with account access.
 *
 * <p>{@link #probabilities} is thread-safe: the trained model is only read, and the per-word sums
 * it keeps are bounded by {@link #WORD_CACHE}.
 */
final class IntentModel {

    /** One labelled utterance. */
    record Example(Intent intent, String text) {}

    /** The labelled utterances: English, and Spanish (see Languages.ANALYSED). */
    static final List<String> RESOURCES =
            List.of("/signalstream/intents.tsv", "/signalstream/intents-es.tsv");

    /** Characters of a word's prefix feature: "cancel", "cancelled", "cancelling" share one. */
    private static final int PREFIX = 5;

    private static volatile IntentModel shared;

    /** Words whose summed weights are kept, at most ({@link WordCache}). */
    static final int WORD_CACHE = 20_000;

    private final MaxentModel model;

    /** Each feature's weights by outcome (the trained parameters, read once). */
    private final Map<String, Context> parameters;

    /** Outcome index of each intent's ordinal, -1 when the data had none. */
    private final int[] outcome = new int[Intent.values().length];

    /**
     * What a message needs of one word: the word (apostrophes dropped), its own features' weights
     * summed (all but the word pair), by outcome, and the pairs it starts ({@link #pairs}' entry
     * for it, null when none).
     */
    record Word(String text, double[] own, Map<String, Context> after) {}

    /** The words seen, each looked up once per message word. */
    private final WordCache<Word> words = new WordCache<>(WORD_CACHE, this::weights);

    /**
     * The word-pair features ({@link #pair}) by their first word, then their second: a message's
     * pairs are looked up without building their strings. A feature whose words hold '_' is filed
     * under every split: each names the same feature, so a lookup finds what the string would.
     */
    private final Map<String, Map<String, Context>> pairs = new HashMap<>();

    /** The pairs a message's first word makes with its start. */
    private final Map<String, Context> afterStart;

    @SuppressWarnings("unchecked")
    private IntentModel(MaxentModel model) {
        this.model = model;
        this.parameters = (Map<String, Context>) ((AbstractModel) model).getDataStructures()[1];
        for (Intent i : Intent.values()) {
            outcome[i.ordinal()] = model.getIndex(i.wireName());
        }
        parameters.forEach(
                (feature, weights) -> {
                    if (!feature.startsWith(PAIR)) {
                        return;
                    }
                    for (int at = feature.indexOf('_', PAIR.length());
                            at >= 0;
                            at = feature.indexOf('_', at + 1)) {
                        pairs.computeIfAbsent(
                                        feature.substring(PAIR.length(), at), k -> new HashMap<>())
                                .put(feature.substring(at + 1), weights);
                    }
                });
        this.afterStart = pairs.get(START);
    }

    /** The model trained on every shipped example; one per class loader. */
    static IntentModel shared() {
        IntentModel m = shared;
        if (m == null) {
            synchronized (IntentModel.class) {
                m = shared;
                if (m == null) {
                    List<Example> all = new ArrayList<>();
                    RESOURCES.forEach(r -> all.addAll(examples(r)));
                    m = train(all);
                    shared = m;
                }
            }
        }
        return m;
    }

    /** Trains a model on {@code examples}. */
    static IntentModel train(List<Example> examples) {
        List<Event> events = new ArrayList<>(examples.size());
        for (Example e : examples) {
            events.add(new Event(e.intent().wireName(), features(IntentRules.words(e.text()))));
        }
        TrainingParameters params = new TrainingParameters();
        params.put(TrainingParameters.ALGORITHM_PARAM, QNTrainer.MAXENT_QN_VALUE);
        params.put(TrainingParameters.ITERATIONS_PARAM, 200);
        params.put(TrainingParameters.CUTOFF_PARAM, 1);
        params.put(QNTrainer.L2COST_PARAM, 1.0);
        params.put(QNTrainer.L1COST_PARAM, 0.0);
        params.put(TrainingParameters.THREADS_PARAM, 1);
        try {
            return new IntentModel(
                    TrainerFactory.getEventTrainer(params, null)
                            .train(ObjectStreamUtils.createObjectStream(events)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot train the intent model", e);
        }
    }

    /** The labelled utterances of one shipped resource. */
    static List<Example> examples(String resource) {
        InputStream in = IntentModel.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the intent examples " + resource + " are missing");
        }
        List<Example> out = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                out.add(
                        new Example(
                                Intent.fromWire(line.substring(0, tab)), line.substring(tab + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return out;
    }

    /**
     * Each intent's probability, by {@link Intent#ordinal()}; they sum to 1. The same arithmetic as
     * the model's own {@code eval} (a softmax of the features' summed weights), with each word's
     * own features summed once and kept: a message costs a lookup per word and per word pair.
     */
    double[] probabilities(List<String> text) {
        Word[] known = new Word[text.size()];
        for (int i = 0; i < known.length; i++) {
            String w = stripped(text.get(i));
            if (!w.isEmpty()) {
                known[i] = words.get(w);
            }
        }
        return probabilities(known);
    }

    /**
     * What this model needs of a message's word as {@link IntentRules#words} writes it; null for a
     * word it does not read (apostrophes alone). Thread-safe; cache it at will.
     */
    Word word(String raw) {
        String w = stripped(raw);
        return w.isEmpty() ? null : weights(w);
    }

    /** A word's entry; {@code w} with its apostrophes dropped and not empty. */
    private Word weights(String w) {
        double[] own = new double[model.getNumOutcomes()];
        List<String> features = new ArrayList<>();
        wordFeatures(w, features);
        for (String f : features) {
            add(f, own);
        }
        return new Word(w, own, pairs.get(w));
    }

    /**
     * {@link #probabilities(List)} of a message's words already looked up by {@link #word(String)}
     * of this model, in order (nulls skipped).
     */
    double[] probabilities(Word[] text) {
        double[] sum = new double[model.getNumOutcomes()];
        Map<String, Context> after = afterStart;
        boolean any = false;
        for (Word known : text) {
            if (known == null) {
                continue;
            }
            any = true;
            double[] own = known.own();
            for (int o = 0; o < sum.length; o++) {
                sum[o] += own[o];
            }
            add(after == null ? null : after.get(known.text()), sum);
            after = known.after();
        }
        if (!any) {
            add(EMPTY, sum);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : sum) {
            max = Math.max(max, v);
        }
        double total = 0;
        for (int o = 0; o < sum.length; o++) {
            sum[o] = Math.exp(sum[o] - max);
            total += sum[o];
        }
        double[] byIntent = new double[outcome.length];
        for (int i = 0; i < outcome.length; i++) {
            byIntent[i] = outcome[i] < 0 ? 0 : sum[outcome[i]] / total;
        }
        return byIntent;
    }

    /** The model's own evaluation, for checking {@link #probabilities} against it. */
    double[] evaluate(List<String> text) {
        double[] p = model.eval(features(text));
        double[] byIntent = new double[outcome.length];
        for (int i = 0; i < outcome.length; i++) {
            byIntent[i] = outcome[i] < 0 ? 0 : p[outcome[i]];
        }
        return byIntent;
    }

    private void add(String feature, double[] sum) {
        add(parameters.get(feature), sum);
    }

    private static void add(Context c, double[] sum) {
        if (c != null) {
            int[] outcomes = c.getOutcomes();
            double[] weights = c.getParameters();
            for (int k = 0; k < outcomes.length; k++) {
                sum[outcomes[k]] += weights[k];
            }
        }
    }

    private static final String EMPTY = "empty";

    private static String stripped(String raw) {
        return raw.indexOf('\'') < 0 ? raw : raw.replace("'", "");
    }

    private static final String PAIR = "b=";

    /** The word before a message's first word. */
    private static final String START = "^";

    private static String pair(String previous, String w) {
        return PAIR + previous + "_" + w;
    }

    /**
     * A message's features, each occurrence counted: per word (apostrophes dropped) the word, its
     * prefix, its letter triples and its polarity, and the pair with the word before it.
     */
    static String[] features(List<String> text) {
        List<String> out = new ArrayList<>();
        String previous = START;
        for (String raw : text) {
            String w = stripped(raw);
            if (w.isEmpty()) {
                continue;
            }
            wordFeatures(w, out);
            out.add(pair(previous, w));
            previous = w;
        }
        if (out.isEmpty()) {
            out.add(EMPTY);
        }
        return out.toArray(new String[0]);
    }

    private static void wordFeatures(String w, List<String> out) {
        out.add("w=" + w);
        if (w.length() > PREFIX) {
            out.add("p=" + w.substring(0, PREFIX));
        }
        // letter triples carry misspellings and word forms: "cancle" shares "<ca", "can"
        String bounded = "<" + w + ">";
        for (int i = 0; i + 3 <= bounded.length(); i++) {
            out.add("c=" + bounded.substring(i, i + 3));
        }
        // the general lexicon tells praise from complaint in words no example used
        double v = SentimentAnalyzer.shared().valence(w);
        if (v >= 1) {
            out.add("v=+");
        } else if (v <= -1) {
            out.add("v=-");
        }
    }
}
