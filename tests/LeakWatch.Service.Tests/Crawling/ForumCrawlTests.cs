using LeakWatch.Service.Tests.Crawling.Support;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>
/// A loopback forum configured with nothing but a preset and a start URL: every planted leak is found, in posts (on
/// later pages of boards and threads too) and in attachments (zip included), and a second run fetches only what changed.
/// </summary>
public sealed class ForumCrawlTests
{
    public static TheoryData<string> Presets => new() { "phpbb", "mybb", "xenforo", "smf", "vbulletin", "flarum", "flarum-html" };

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task ForumAdapter_PresetAndStartUrlOnly_FindsEveryLeakThenFetchesOnlyWhatChanged(string preset)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        await using var server = await LoopbackServer.StartAsync(time);
        var site = new ForumSite(preset == "flarum-html" ? "flarum" : preset);
        site.Serve(server);
        var sale = site.AddThread("Vente base labo");
        site.AddPost(sale, "Echantillon:<br />nom;prenom;nir<br />DUPONT;Jean;SYNTH-100001<br />MARTIN;Paul;SYNTH-100002");
        site.AddPost(sale, "Prix ?");
        site.AddPost(sale, "Suite de la base <pre>LEROY;Anne;SYNTH-100003\nPETIT;Marc;SYNTH-100004</pre>");
        var dump = site.AddThread("Full dump");
        site.AddPost(dump, "Le fichier complet est en pièce jointe", ("patients.zip", ForumSite.Zip("patients.csv", "nom;nir\nBERNARD;SYNTH-100005\n")));
        var quiet = site.AddThread("Bonjour");
        site.AddPost(quiet, "Rien à voir ici, SYNTH est un mot");
        var old = site.AddThread("Old thread");
        site.AddPost(old, "Vieux message", ("notes.txt", "ROUX;SYNTH-100006"u8.ToArray()));
        var oldest = site.AddThread("Oldest thread");
        site.AddPost(oldest, "Tout en bas du forum: SYNTH-100007");
        foreach (var t in site.Threads) t.LastActivity = -t.Id; // the first created is the most recent

        await using var harness = CrawlHarness.Create(CrawlHarness.Source(0, "forum", "forum", [server.Url(site.BoardPath).AbsoluteUri], ("Preset", preset)), time);
        var first = await harness.CrawlAsync("forum");

        Assert.True(first.Succeeded, first.LastError);
        Assert.Equal(0, first.Errors);
        Assert.Equal(new HashSet<int> { 100001, 100002, 100003, 100004, 100005, 100006, 100007 }, harness.Recorder.Patients);
        Assert.DoesNotContain(999999, harness.Recorder.Patients); // a script in the page head is not content
        Assert.True(server.Requests.MinimumGap() >= TimeSpan.FromSeconds(1), $"two requests {server.Requests.MinimumGap()} apart");
        var health = await harness.HealthAsync("forum");
        Assert.NotNull(health!.LastSuccessAt);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.True(health.DocumentsSeen >= 5, $"{health.DocumentsSeen} documents"); // thread pages (whole) and attachments

        // Someone replies in "Full dump" with a new attachment; nothing else moves.
        site.AddPost(dump, "Mise à jour: SYNTH-100008", ("update.zip", ForumSite.Zip("new.csv", "SYNTH-100009")));
        dump.LastActivity = 100;
        var before = server.Requests.Count;
        var scannedBefore = harness.Scanner.Scanned.Count;
        var second = await harness.CrawlAsync("forum");

        Assert.True(second.Succeeded, second.LastError);
        Assert.Contains(100008, harness.Recorder.Patients);
        Assert.Contains(100009, harness.Recorder.Patients);
        var secondRequests = server.Requests.Skip(before).Select(r => r.PathAndQuery).ToList();
        var threadIds = site.Threads.Where(t => t != dump).Select(t => t.Id).ToList();
        if (preset == "flarum-html")
        {
            // Flarum's crawler view has no reply counts: each discussion is re-read from its last page, nothing more.
            Assert.DoesNotContain(secondRequests, path => path == "/d/1-vente-base-labo");
        }
        else
        {
            Assert.DoesNotContain(secondRequests, path => threadIds.Any(id => IsThreadPage(preset, path, id)));
            Assert.True(secondRequests.Count <= 6, string.Join(", ", secondRequests));
        }
        Assert.Equal(2, harness.Scanner.Scanned.Count - scannedBefore); // the new post and the new attachment only
        Assert.Equal(1, harness.Recorder.Recorded.Count(r => r.Result.Matches.Any(m => (int)m.Patient.Value == 100005)));

        // Nothing changed: a quiet board costs its first page.
        before = server.Requests.Count;
        var third = await harness.CrawlAsync("forum");
        Assert.True(third.Succeeded, third.LastError);
        Assert.Equal(0, third.Documents);
        if (preset != "flarum-html") Assert.Single(server.Requests.Skip(before), r => r.PathAndQuery != "/robots.txt");
    }

    private static bool IsThreadPage(string preset, string path, int id) => preset switch
    {
        "phpbb" => path.StartsWith($"/viewtopic.php?t={id}", StringComparison.Ordinal),
        "mybb" => path.StartsWith($"/showthread.php?tid={id}", StringComparison.Ordinal),
        "vbulletin" => path.StartsWith($"/showthread.php?t={id}", StringComparison.Ordinal),
        "xenforo" => path.StartsWith("/threads/", StringComparison.Ordinal) && path.Contains($".{id}/", StringComparison.Ordinal),
        "smf" => path.StartsWith($"/index.php?topic={id}.", StringComparison.Ordinal),
        "flarum" => path.StartsWith($"/api/discussions/{id}", StringComparison.Ordinal),
        _ => false,
    };
}
