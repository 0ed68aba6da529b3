package io.signalstream.job.agents.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The text helper the offline agents clip their lines with. */
class TextTest {

    /**
     * Letters of several scripts, digits, punctuation, white space of every kind, a surrogate pair.
     */
    private static final String[] PIECES = {
        "a",
        "Q",
        "É",
        "ß",
        "Σ",
        "ж",
        "Ж",
        "7",
        "'",
        "-",
        "#",
        "/",
        ",",
        "!",
        " ",
        " ",
        "\t",
        "\n",
        "\u00A0",
        "\u2003",
        "\u001F",
        "\uD83D\uDE00"
    };

    private static String random(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(30);
        for (int i = 0; i < pieces; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    @Test
    void clipFoldsWhiteSpaceAndCutsWithAnEllipsis() {
        assertThat(Text.clip("where is my order", 100)).isEqualTo("where is my order");
        assertThat(Text.clip("  where\tis \n my   order ", 100)).isEqualTo("where is my order");
        assertThat(Text.clip("where is my order", 8)).isEqualTo("where i…");
        assertThat(Text.clip("where  is", 8)).isEqualTo("where is");
        assertThat(Text.clip("ok\u2003then", 8)).isEqualTo("ok then");
        assertThat(Text.clip("abcdef\uD83D\uDE00x", 8)).isEqualTo("abcdef…"); // pair kept whole
        assertThat(Text.clip("", 8)).isEmpty();
    }

    /**
     * Any text: its runs of non-white-space (as {@link Character#isWhitespace} has it) joined by
     * one space, cut to the limit with an ellipsis that never splits a surrogate pair; a text that
     * is already so comes back as it is.
     */
    @Test
    void clipIsTheTextsWordsJoinedByOneSpaceForAnyText() {
        SplittableRandom random = new SplittableRandom(11);
        for (int n = 0; n < 50_000; n++) {
            String text = random(random);
            int max = 1 + random.nextInt(25);
            String joined =
                    Arrays.stream(text.split("\\p{javaWhitespace}+"))
                            .filter(w -> !w.isEmpty())
                            .collect(Collectors.joining(" "));
            String expected = joined;
            if (joined.length() > max) {
                int cut = max - 1;
                if (cut > 0 && Character.isHighSurrogate(joined.charAt(cut - 1))) {
                    cut--;
                }
                expected = joined.substring(0, cut) + "…";
            }
            assertThat(Text.clip(text, max)).as("clip(\"%s\", %d)", text, max).isEqualTo(expected);
        }
    }
}
