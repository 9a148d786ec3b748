using System.Globalization;
using LeakWatch.Service.Incidents;
using Microsoft.Playwright;

namespace LeakWatch.Service.Tests.Review;

/// <summary>
/// A DPO who has never used LeakWatch, in a real headless Chromium (Debian's, driven by Playwright): follows the
/// alert's link, signs in with the one-time password, chooses a password, reviews the crawled incident, confirms it,
/// opens the notification report, and finds each step in the audit log.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    /// <summary>Debian's chromium; Playwright never downloads a browser here.</summary>
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Browser_NewDpoFollowsAlertLink_ChangesPasswordConfirmsReportsAndFindsItAudited()
    {
        var add = await console.Cli.RunAsync("users", "add", "claire.dpo", "--role", "dpo");
        Assert.True(add.ExitCode == 0, add.ToString());
        var oneTime = add.Out.Split(": ")[^1].Trim();
        var id = console.CrawledIncident;
        var link = IncidentRow.ConsoleLink(console.BaseUri.AbsoluteUri, id);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 1400 } });
        var page = await context.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) blocked.Add(message.Text); };

        // The alert's link asks for a sign-in first, then comes back.
        await page.GotoAsync(link);
        Assert.Contains("/login?returnUrl=%2Fincidents%2F" + id, page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=name]", "claire.dpo");
        await page.FillAsync("input[name=password]", oneTime);
        await page.ClickAsync("button[type=submit]:has-text('Sign in')");
        Assert.Contains("/account/password", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=current]", oneTime);
        await page.FillAsync("input[name=next]", "Une phrase de passe bien à moi");
        await page.FillAsync("input[name=confirm]", "Une phrase de passe bien à moi");
        await page.ClickAsync("button:has-text('Change password')");
        Assert.EndsWith("/incidents/" + id, page.Url, StringComparison.Ordinal);

        var incident = await page.InnerTextAsync("main");
        Assert.Contains("Incident #" + id, incident, StringComparison.Ordinal);
        Assert.Contains("forum-loopback", incident, StringComparison.Ordinal);
        Assert.Matches("High confidence\\s+Medium\\s+Low\\s+Total\\s+12\\s+0\\s+0\\s+12", incident);
        Assert.Contains("awaiting a decision", incident, StringComparison.Ordinal);
        await ScreenshotAsync(page, "console-incident.png");

        // Readable on a phone: nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"));
        await page.SetViewportSizeAsync(1100, 1400);

        await page.ClickAsync("button:has-text('Confirm: a real leak')");
        Assert.Contains("confirmed by claire.dpo", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ClickAsync("a:has-text('printable')");
        var report = await page.InnerTextAsync("main");
        Assert.Contains("Nombre de personnes concernées", report, StringComparison.Ordinal);
        Assert.Contains("Number of persons", report, StringComparison.Ordinal);
        Assert.Matches("Nombre de personnes concernées\\s+12 \\(high 12", report);
        Assert.Contains("identity, nir, contact", report, StringComparison.Ordinal);

        await page.GotoAsync(console.BaseUri.AbsoluteUri + "audit?actor=claire.dpo");
        var audit = await page.InnerTextAsync("table");
        var target = "incident/" + id.ToString(CultureInfo.InvariantCulture);
        Assert.Contains("claire.dpo\tsign-in\tuser/claire.dpo", audit, StringComparison.Ordinal);
        Assert.Contains("claire.dpo\tpassword-changed\tuser/claire.dpo", audit, StringComparison.Ordinal);
        Assert.Contains("claire.dpo\tincident-viewed\t" + target, audit, StringComparison.Ordinal);
        Assert.Contains("claire.dpo\tincident-confirmed\t" + target, audit, StringComparison.Ordinal);
        Assert.Contains("claire.dpo\treport-viewed\t" + target, audit, StringComparison.Ordinal);
        Assert.Empty(blocked);

        await page.ClickAsync("button:has-text('Sign out')");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.GotoAsync(link);
        Assert.Contains("/login?returnUrl=", page.Url, StringComparison.Ordinal);
    }

    /// <summary>Every run checks the screenshot can be taken; LEAKWATCH_SCREENSHOTS=folder keeps it (the README's is made so).</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("LEAKWATCH_SCREENSHOTS");
        var bytes = await page.ScreenshotAsync(new() { FullPage = true });
        Assert.True(bytes.Length > 10_000);
        if (!string.IsNullOrEmpty(folder)) await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);
    }
}
