package io.signalstream.job.agents.local;

import io.signalstream.model.Intent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import opennlp.tools.ml.TrainerFactory;
import opennlp.tools.ml.maxent.quasinewton.QNTrainer;
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
 * <p>{@link #probabilities} is thread-safe: the trained model is only read.
 */
final class IntentModel {

    /** One labelled utterance. */
    record Example(Intent intent, String text) {}

    static final String RESOURCE = "/signalstream/intents.tsv";

    /** Characters of a word's prefix feature: "cancel", "cancelled", "cancelling" share one. */
    private static final int PREFIX = 5;

    private static volatile IntentModel shared;

    private final MaxentModel model;

    /** Outcome index of each intent's ordinal, -1 when the data had none. */
    private final int[] outcome = new int[Intent.values().length];

    private IntentModel(MaxentModel model) {
        this.model = model;
        for (Intent i : Intent.values()) {
            outcome[i.ordinal()] = model.getIndex(i.wireName());
        }
    }

    /** The model trained on every shipped example; one per class loader. */
    static IntentModel shared() {
        IntentModel m = shared;
        if (m == null) {
            synchronized (IntentModel.class) {
                m = shared;
                if (m == null) {
                    m = train(examples());
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

    /** The shipped labelled utterances. */
    static List<Example> examples() {
        InputStream in = IntentModel.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("the intent examples " + RESOURCE + " are missing");
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
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return out;
    }

    /** Each intent's probability, by {@link Intent#ordinal()}; they sum to 1. */
    double[] probabilities(List<String> words) {
        double[] p = model.eval(features(words));
        double[] byIntent = new double[outcome.length];
        for (int i = 0; i < outcome.length; i++) {
            byIntent[i] = outcome[i] < 0 ? 0 : p[outcome[i]];
        }
        return byIntent;
    }

    /** Words (apostrophes dropped), prefixes, letter triples, adjacent pairs and polarity. */
    static String[] features(List<String> words) {
        Set<String> out = new LinkedHashSet<>();
        String previous = "^";
        for (String raw : words) {
            String w = raw.replace("'", "");
            if (w.isEmpty()) {
                continue;
            }
            out.add("w=" + w);
            if (w.length() > PREFIX) {
                out.add("p=" + w.substring(0, PREFIX));
            }
            out.add("b=" + previous + "_" + w);
            // letter triples carry misspellings and word forms: "cancle" shares "<ca", "can"
            String bounded = "<" + w + ">";
            for (int i = 0; i + 3 <= bounded.length(); i++) {
                out.add("c=" + bounded.substring(i, i + 3));
            }
            previous = w;
            // the general lexicon tells praise from complaint in words no example used
            double v = SentimentAnalyzer.shared().valence(w);
            if (v >= 1) {
                out.add("v=+");
            } else if (v <= -1) {
                out.add("v=-");
            }
        }
        if (out.isEmpty()) {
            out.add("empty");
        }
        return out.toArray(new String[0]);
    }
}
