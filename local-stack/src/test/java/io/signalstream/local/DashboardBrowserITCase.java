package io.signalstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium through its chromedriver) against the real
 * stack: enter a key, post an angry message through the composer, watch the list and the panel
 * update live; another tenant's key does not see the conversation. Screenshots go to {@code
 * target/screenshots/}.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} the test is skipped,
 * unless {@code SIGNALSTREAM_REQUIRE_BROWSER} is set (CI installs both and sets it).
 */
class DashboardBrowserITCase {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ACME_KEY =
            "ss_acme_" + UUID.randomUUID().toString().replace("-", "");
    private static final String GLOBEX_KEY =
            "ss_globex_" + UUID.randomUUID().toString().replace("-", "");
    private static final String FLOOR_KEY =
            "ss_floor_" + UUID.randomUUID().toString().replace("-", "");
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir(cleanup = CleanupMode.NEVER)
    static Path dataDir;

    private static LocalStack stack;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && System.getenv("SIGNALSTREAM_REQUIRE_BROWSER") != null) {
            throw new IllegalStateException(
                    "SIGNALSTREAM_REQUIRE_BROWSER is set but chromium or chromedriver is missing:"
                            + " apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(
                installed,
                "no /usr/bin/chromium and /usr/bin/chromedriver: apt-get install chromium chromium-driver");
        stack =
                new LocalStack(
                                new LocalStack.Options(
                                                dataDir,
                                                0,
                                                0,
                                                0,
                                                2,
                                                1,
                                                Path.of("..", "flink-conf"),
                                                "local",
                                                false)
                                        .withApiKeys(
                                                ACME_KEY
                                                        + "=acme/ingest+read+admin,"
                                                        + GLOBEX_KEY
                                                        + "=globex,"
                                                        + FLOOR_KEY
                                                        + "=floor"))
                        .start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000");
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
        StackClient.removeLeniently(dataDir);
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** Signs in on the Conversations view. */
    private static void signIn(String key) {
        signIn(key, "#/conversations");
    }

    /** Signs in on {@code route} ({@code ""}: the default, the Overview). */
    private static void signIn(String key, String route) {
        // each test starts signed out, whatever the one before it left in the tab
        browser.get(stack.apiUrl().replace("localhost", "127.0.0.1") + "/" + route);
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement input =
                waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        input.sendKeys(key);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        waitUpTo(15)
                .until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
    }

    private static void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void anAngryMessageFromTheComposerShowsUpLiveAndOnlyForItsTenant() throws Exception {
        String conversation = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        signIn(ACME_KEY);
        assertThat(browser.findElement(By.id("connection")).getText()).isEqualTo("Live");

        WebElement id = browser.findElement(By.id("compose-conversation"));
        id.clear();
        id.sendKeys(conversation);
        browser.findElement(By.id("compose-message"))
                .sendKeys(
                        "This is unacceptable, I am furious! Refund me now or I will dispute the charge with my bank."
                                + " Card 4111 1111 1111 1111, again: 4111 1111 1111 1111.");
        browser.findElement(By.cssSelector("#composer button[type=submit]")).click();
        waitUpTo(10)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("compose-status"), "Accepted"));

        // The list entry appears with its badges, pushed over the WebSocket.
        By entry =
                By.cssSelector("#conversations button[data-conversation='" + conversation + "']");
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(entry, "escalate"));
        String badges = browser.findElement(entry).getText();
        assertThat(badges).contains("negative", "urgency");

        // The panel of the selected conversation follows.
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("panel-title"), conversation));
        waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(By.id("escalation")));
        assertThat(browser.findElement(By.id("escalation")).getText()).startsWith("Escalate:");
        assertThat(browser.findElement(By.id("sentiment")).getText()).isEqualTo("negative");
        assertThat(browser.findElement(By.id("reply")).getText()).isNotBlank().isNotEqualTo("—");
        assertThat(browser.findElement(By.id("summary")).getText()).isNotBlank();
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("transcript"), "furious"));
        assertThat(browser.findElements(By.cssSelector("#trend circle"))).isNotEmpty();
        assertThat(browser.findElement(By.id("agents")).getText()).contains("local", "current");
        // the card written twice is listed once, with its count
        assertThat(browser.findElement(By.id("pii")).getText())
                .isEqualTo("CREDIT_CARD ****1111 ×2");
        screenshot("dashboard-desktop");

        // A second message from the agent side moves the count on, live.
        browser.findElement(By.cssSelector("input[name=sender][value=agent]")).click();
        browser.findElement(By.id("compose-message"))
                .sendKeys("I am sorry, I have started the refund for you.");
        browser.findElement(By.cssSelector("#composer button[type=submit]")).click();
        waitUpTo(30)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("panel-title"), "2 messages"));

        // Search finds it by a word of the transcript, with a filter; a miss says so.
        WebElement q = browser.findElement(By.id("search-q"));
        q.sendKeys("dispute");
        new org.openqa.selenium.support.ui.Select(
                        browser.findElement(By.cssSelector("#search select[name=sentiment]")))
                .selectByVisibleText("negative");
        browser.findElement(By.cssSelector("#search button[type=submit]")).click();
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("search-status"), "1 match"));
        assertThat(browser.findElements(By.cssSelector("#conversations button")))
                .extracting(e -> e.getAttribute("data-conversation"))
                .containsExactly(conversation);
        screenshot("dashboard-search");
        q.clear();
        q.sendKeys("nothing-like-this-was-said");
        browser.findElement(By.cssSelector("#search button[type=submit]")).click();
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("empty"), "No conversation matches"));
        browser.findElement(By.id("search-clear")).click();
        waitUpTo(15).until(ExpectedConditions.presenceOfElementLocated(entry));

        browser.manage().window().setSize(new Dimension(390, 1400));
        screenshot("dashboard-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));

        // Another tenant sees nothing of it.
        browser.findElement(By.id("sign-out")).click();
        signIn(GLOBEX_KEY);
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("empty")));
        List<WebElement> theirs = browser.findElements(entry);
        assertThat(theirs).isEmpty();
        assertThat(new StackClient(stack, GLOBEX_KEY).insights(conversation).statusCode())
                .isEqualTo(404);
        screenshot("dashboard-other-tenant");
    }

    @Test
    void anAlertIsPushedToTheFeedWithABadgeAndOpensItsConversation() throws Exception {
        StackClient acme = new StackClient(stack, ACME_KEY);
        var rule =
                acme.put(
                        "/v1/rules/meltdown",
                        """
                        {"name": "Meltdown", "when": {"all": [{"text": {"matches": "meltdown"}}]},
                         "cooldown": "PT0S", "severity": "critical", "actions": [{"type": "alert"}]}""");
        assertThat(rule.statusCode()).as(rule.body()).isIn(200, 201);
        // the job reads the rule while it runs: wait until it is in effect
        int[] n = {0};
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> {
                            acme.post(
                                    StackClient.message(
                                            "warm-up-" + ++n[0], "m1", "customer", "a meltdown"));
                            return StackClient.MAPPER
                                            .readTree(acme.get("/v1/alerts").body())
                                            .get("alerts")
                                            .size()
                                    > 0;
                        });

        signIn(ACME_KEY);
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("alert-list"), "Meltdown"));
        assertThat(browser.findElement(By.id("alert-badge")).isDisplayed()).isFalse();

        String conversation = "alerting-" + UUID.randomUUID().toString().substring(0, 8);
        WebElement id = browser.findElement(By.id("compose-conversation"));
        id.clear();
        id.sendKeys(conversation);
        browser.findElement(By.id("compose-message")).sendKeys("The app had a total meltdown");
        browser.findElement(By.cssSelector("#composer button[type=submit]")).click();

        // pushed over /ws/alerts: a badge in the header and the alert in the feed
        waitUpTo(30)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("alert-list"), conversation));
        WebElement badge = browser.findElement(By.id("alert-badge"));
        assertThat(badge.isDisplayed()).isTrue();
        assertThat(badge.getText()).startsWith("1 new alert");
        WebElement alert =
                browser.findElements(By.cssSelector("#alert-list button")).stream()
                        .filter(b -> b.getText().contains(conversation))
                        .findFirst()
                        .orElseThrow();
        assertThat(alert.getText()).contains("critical", "Meltdown");
        screenshot("dashboard-alerts");

        alert.click();
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("panel-title"), conversation));
        assertThat(browser.findElement(By.id("alert-badge")).isDisplayed()).isFalse();
    }

    @Test
    void theOverviewIsTheDefaultViewAndShowsTheTenantsDayLive() throws Exception {
        // a tenant of its own, so the day's figures are exactly what this test posts
        StackClient floor = new StackClient(stack, FLOOR_KEY);
        for (String[] m :
                List.of(
                        new String[] {
                            "floor-1", "m1", "customer", "My invoice is wrong, I was charged twice"
                        },
                        new String[] {
                            "floor-1", "m2", "agent", "Sorry, I am refunding the second charge"
                        },
                        new String[] {
                            "floor-2", "m1", "customer", "This is unacceptable, I am furious"
                        })) {
            assertThat(floor.post(StackClient.message(m[0], m[1], m[2], m[3])).statusCode())
                    .isEqualTo(202);
        }

        signIn(FLOOR_KEY, "");
        assertThat(browser.findElement(By.id("overview")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("conversations-view")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("tab-overview")).getAttribute("aria-current"))
                .isEqualTo("page");
        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("kpi-messages"), "3"));
        assertThat(browser.findElement(By.id("kpi-started")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.id("kpi-active")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.id("overview-intents")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("kpi-first-response")).getText()).isNotEqualTo("–");

        // pushed over /ws/analytics: the tiles move on without a reload
        assertThat(
                        floor.post(StackClient.message("floor-3", "m1", "customer", "Hello?"))
                                .statusCode())
                .isEqualTo(202);
        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("kpi-messages"), "4"));
        assertThat(browser.findElement(By.id("kpi-started")).getText()).isEqualTo("3");
        // the conversation that needs a human is listed, and opens in the Conversations view
        waitUpTo(30)
                .until(
                        ExpectedConditions.presenceOfElementLocated(
                                By.cssSelector("#attention button[data-conversation='floor-2']")));
        // and the customer who waits for an answer is listed with since when
        waitUpTo(30)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.cssSelector("#attention button[data-conversation='floor-3']"),
                                "waiting"));
        screenshot("dashboard-overview");
        browser.findElement(By.cssSelector("#attention button[data-conversation='floor-2']"))
                .click();
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("panel-title"), "floor-2"));
        assertThat(browser.findElement(By.id("overview")).isDisplayed()).isFalse();
    }

    @Test
    void aWrongKeyIsRefusedAndTheFormSaysSo() {
        browser.get(stack.apiUrl().replace("localhost", "127.0.0.1") + "/");
        browser.manage().deleteAllCookies();
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement input =
                waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        input.sendKeys("not-a-key");
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        waitUpTo(15)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("login-error"), "not accepted"));
        assertThat(browser.findElement(By.id("api-key")).isDisplayed()).isTrue();
    }
}
