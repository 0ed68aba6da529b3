package io.signalstream.job.agents.local;

import java.util.List;

/**
 * What the signals read of each word of a message ({@link IntentRules#words}), found with one
 * lookup per word: the signal cues and the intent cues it can start ({@link Cues#start}) and the
 * intent model's weights for it ({@link IntentModel#word}). Without it a word was looked up once
 * per cue table and once in the model, each with its own hash lookups, and every one-word prefix
 * cue that shares its first letter was compared with it again in every message.
 *
 * <p>Thread-safe. Bounded by {@link #MAX_WORDS} entries ({@link WordCache}).
 */
final class Lexicon {

    /** Words whose entries are kept, at most (a few MB). */
    static final int MAX_WORDS = 20_000;

    /** One word's entry. */
    private record Entry(Cues.Start signal, Cues.Start intent, IntentModel.Word model) {}

    /** A message's words, each looked up: by index in {@link #words}. */
    record Words(
            List<String> words,
            Cues.Start[] signal,
            Cues.Start[] intent,
            IntentModel.Word[] model) {}

    private final Cues signal;
    private final IntentModel model;
    private final WordCache<Entry> entries = new WordCache<>(MAX_WORDS, this::entry);

    /**
     * @param signal the signal cues ({@link MessageAnalyzer})
     * @param model the intent model whose weights {@link Words#model()} holds
     */
    Lexicon(Cues signal, IntentModel model) {
        this.signal = signal;
        this.model = model;
    }

    IntentModel model() {
        return model;
    }

    /** Each of {@code words} looked up. */
    Words lookUp(List<String> words) {
        int n = words.size();
        Cues.Start[] signals = new Cues.Start[n];
        Cues.Start[] intents = new Cues.Start[n];
        IntentModel.Word[] known = new IntentModel.Word[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(words.get(i));
            signals[i] = e.signal();
            intents[i] = e.intent();
            known[i] = e.model();
        }
        return new Words(words, signals, intents, known);
    }

    private Entry entry(String w) {
        return new Entry(signal.start(w), IntentRules.start(w), model.word(w));
    }

    /** Entries kept now, in both generations (a word in both counted twice). */
    int size() {
        return entries.size();
    }
}
