using System.Globalization;
using System.Text.Json;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Crawling;

/// <summary>
/// The real thing end to end: enroll a synthetic base, serve a phpBB forum on loopback where some of those patients
/// were leaked (rows pasted in posts, a CSV dump zipped as an attachment), run `leakwatch crawl --once --json`, resolve
/// the references, and find exactly the planted patients; a second run finds nothing new.
/// </summary>
public sealed class CrawlEndToEndTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _base = SyntheticPopulation.GenerateArray(300, seed: 4242);

    [Fact]
    public async Task CrawlVerb_LoopbackPhpbbWithPlantedPatients_FindsThemInPostsAndAttachmentsOnce()
    {
        var export = ExportFiles.Write(_cli.Root, _base);
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", export);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());

        await using var server = await LoopbackServer.StartAsync(TimeProvider.System);
        var site = new ForumSite("phpbb");
        site.Serve(server);
        var inPost = _base.Skip(10).Take(3).ToList();
        var inZip = _base.Skip(100).Take(25).ToList();
        var sale = site.AddThread("[VENTE] base patients labo 2021");
        site.AddPost(sale, "Echantillon gratuit :<br />" + string.Join("<br />\n", Rows(inPost).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)));
        site.AddPost(sale, "Le reste en pièce jointe", ("labo_2021.zip", ForumSite.Zip("export_patients.csv", Rows(inZip))));
        site.AddPost(site.AddThread("Hello"), "Bonjour à tous, nouveau ici.");
        // Index 0 overlays the disabled example source of appsettings.json.
        _cli.Settings["LeakWatch:Sources:0:Name"] = "phpbb-loopback";
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "true";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "forum";
        _cli.Settings["LeakWatch:Sources:0:Preset"] = "phpbb";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = server.Url(site.BoardPath).AbsoluteUri;
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00"; // real clock here: no waiting
        _cli.Settings["LeakWatch:Crawler:MaxRetries"] = "0";

        var first = await _cli.RunAsync("crawl", "--once", "--json");
        Assert.True(first.ExitCode == 1, first.ToString());
        var found = await ResolveAsync(export, first.Out);
        var second = await _cli.RunAsync("crawl", "--once", "--json");
        var sources = await _cli.RunAsync("sources", "--json");

        Assert.Equal(inPost.Concat(inZip).Select(p => p.Ipp).ToHashSet(), found.Select(f => f.Id).ToHashSet());
        Assert.Contains(found, f => f.Document.EndsWith("viewtopic.php?t=1", StringComparison.Ordinal));
        // Entry names are content: crawl --json masks them as every output does (issue 8).
        var maskedEntry = Detection.TestHashes.FromKeyFile(_cli.KeyFile).Names.Mask("download/file.php?id=1!export_patients.csv");
        Assert.Contains(found, f => f.Document.Contains(maskedEntry, StringComparison.Ordinal));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("", second.Out);
        using var health = JsonDocument.Parse(sources.Out.Trim());
        Assert.Equal(0, health.RootElement.GetProperty("consecutiveFailures").GetInt64());
        Assert.True(health.RootElement.GetProperty("documentsSeen").GetInt64() >= 3); // two thread pages and the zip
        // No patient value in any log line: only references, counts and URLs.
        var logs = first.AllLogText + second.AllLogText;
        Assert.All(inPost.Concat(inZip), p => Assert.DoesNotContain(p.Nir, logs, StringComparison.Ordinal));
    }

    private static string Rows(IEnumerable<SyntheticPatient> patients)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        LabExportWriter.Write(writer, patients);
        return writer.ToString();
    }

    private async Task<List<(string Document, string Id)>> ResolveAsync(string export, string scanJson)
    {
        _cli.StandardInput = scanJson;
        var resolve = await _cli.RunAsync("resolve", export);
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        var ids = resolve.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .GroupBy(e => e.GetProperty("patient").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("id").GetString() ?? "?");
        return [.. scanJson.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (e.GetProperty("document").GetString()!, ids[e.GetProperty("patient").GetString()!]))];
    }

    public void Dispose() => _cli.Dispose();
}
