using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using LeakWatch.Service.Tests.Canaries;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Service.Tests.Review;
using LeakWatch.Synthetic;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.Tests.EarlyWarning;

/// <summary>
/// Issue 15 end to end, with real parts: a synthetic base enrolled and canaries made with the command line, a phpBB
/// forum on loopback where a thread's title names the lab, a post holds one canary and an attachment holds 10,000
/// NIRs of strangers; `leakwatch crawl --once`; then the incidents in the store, the alerts in the outbox, and the
/// console of `leakwatch run`. No canary's or patient's value in the database, the outputs, the logs or the pages.
/// </summary>
public sealed class EarlyWarningEndToEndTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _base = SyntheticPopulation.GenerateArray(120, seed: 1717);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Crawl_ForumWithWatchedTitleCanaryAndForeignDump_RaisesEachKindWithItsAlertsAndConsolePages()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _base, new UTF8Encoding(false)));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        var created = await _cli.RunAsync("canary", "create", "--system", "LIS", "--count", "2");
        var canaries = CanaryOutput.Parse(created.Out);
        var nirs = ForeignNirs.Make(10_000, [.. _base, .. canaries]);

        CliResult crawl;
        await using (var server = await LoopbackServer.StartAsync(TimeProvider.System))
        {
            var site = new ForumSite("phpbb");
            site.Serve(server);
            site.AddPost(site.AddThread("[VENTE] accès complet base LABO SANTÉ-PLUS 2026"), "Contactez-moi en MP, échantillon sur demande.");
            var c = canaries[1];
            site.AddPost(site.AddThread("Echantillon"), "nom;prenom;date_naissance;nir;telephone<br />\n" +
                $"{c.BirthName};{c.FirstNames};{c.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)};{c.Nir};{c.Phone}");
            site.AddPost(site.AddThread("gros fichier"), "voila", ("nirs.zip", ForumSite.Zip("nirs.csv", "nir;examen\n" + string.Concat(nirs.Select(n => n + ";NFS\n")))));
            Configure(server.Url(site.BoardPath).AbsoluteUri);

            crawl = await _cli.RunAsync("crawl", "--once", "--json");
        }

        // crawl: found (a canary is ours), and its --json line names the system, not the canary.
        Assert.True(crawl.ExitCode == 1, crawl.ToString());
        var line = Assert.Single(crawl.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"canary\":{\"system\":\"LIS\"}", line, StringComparison.Ordinal);

        // The store: one incident of each kind, first-class, with source and URL; no patient incident.
        SqliteConnection.ClearAllPools();
        List<StoredIncident> incidents;
        List<(string Channel, string Payload)> outbox;
        await using (var connection = new SqliteConnection("Data Source=" + _cli.DatabasePath))
        {
            incidents = [.. await connection.QueryAsync<StoredIncident>(
                "SELECT id AS Id, CASE kind WHEN 1 THEN 'patients' WHEN 2 THEN 'canary' WHEN 3 THEN 'early-warning' WHEN 4 THEN 'suspicious-dump' END AS Kind, source AS Source, url AS Url, system AS System, terms AS Terms, patients_high AS PatientsHigh, " +
                "patients_total AS PatientsTotal, valid_nirs AS ValidNirs, records AS Records FROM incidents ORDER BY id")];
            outbox = [.. (await connection.QueryAsync<(string, string)>("SELECT channel, payload FROM alert_outbox ORDER BY id"))];
        }
        Assert.Equal(["canary", "early-warning", "suspicious-dump"], incidents.Select(i => i.Kind).Order(StringComparer.Ordinal));
        var early = incidents.Single(i => i.Kind == "early-warning");
        Assert.Equal("forum", early.Source);
        Assert.EndsWith("viewtopic.php?t=1", early.Url, StringComparison.Ordinal);
        Assert.Equal("lab-name", early.Terms);
        Assert.Equal(0, early.PatientsTotal); // no patient on the page: the warning stands on its own
        var canary = incidents.Single(i => i.Kind == "canary");
        Assert.Equal("LIS", canary.System);
        Assert.Equal(1, canary.PatientsHigh); // the highest confidence
        Assert.EndsWith("viewtopic.php?t=2", canary.Url, StringComparison.Ordinal);
        var dump = incidents.Single(i => i.Kind == "suspicious-dump");
        Assert.Equal(10_000, dump.ValidNirs);
        Assert.Equal(10_000, dump.Records);
        Assert.Contains('!', dump.Url); // the zip's entry, masked

        // Each kind its own channel threshold: the DPO's hook takes canaries and early warnings (its suspicious dumps
        // would go to a digest it does not have); the SOC's takes canaries and suspicious dumps, no early warning.
        Assert.Equal(["canary", "early-warning"], Kinds(outbox, "dpo-hook"));
        Assert.Equal(["canary", "suspicious-dump"], Kinds(outbox, "soc-hook"));
        Assert.Contains(outbox, o => o.Payload.Contains("\"kind\":\"canary\"", StringComparison.Ordinal) && o.Payload.Contains("\"system\":\"LIS\"", StringComparison.Ordinal));
        Assert.Contains(outbox, o => o.Payload.Contains("\"terms\":[\"lab-name\"]", StringComparison.Ordinal));

        // The console: the list filtered by kind, each page saying the kind and what it names.
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "false";
        var (run, services) = await ConsoleFixture.StartRunAsync(_cli);
        var pages = new StringBuilder();
        try
        {
            using var client = await SignedInDpoAsync(services);
            var canaryList = await client.GetTextAsync("/incidents?kind=canary");
            var earlyPage = await client.GetTextAsync("/incidents/" + early.Id.ToString(CultureInfo.InvariantCulture));
            var canaryPage = await client.GetTextAsync("/incidents/" + canary.Id.ToString(CultureInfo.InvariantCulture));
            var dumpPage = await client.GetTextAsync("/incidents/" + dump.Id.ToString(CultureInfo.InvariantCulture));
            var all = await client.GetTextAsync("/incidents");
            // Its notification report follows the kind: a canary incident is no patient notification, and has no patients to resolve.
            var canaryId = canary.Id.ToString(CultureInfo.InvariantCulture);
            await client.PostFormAsync($"/incidents/{canaryId}/confirm", []);
            var canaryReport = await client.GetTextAsync($"/incidents/{canaryId}/report");
            var canaryJson = await client.GetTextAsync($"/incidents/{canaryId}/report.json");
            var canaryPatients = await client.GetAsync($"/incidents/{canaryId}/patients.jsonl");
            var confirmedPage = await client.GetTextAsync("/incidents/" + canaryId);
            pages.AppendJoin('\n', client.Pages);

            Assert.Contains($"href=\"/incidents/{canary.Id}\"", canaryList, StringComparison.Ordinal);
            Assert.DoesNotContain($"href=\"/incidents/{early.Id}\"", canaryList, StringComparison.Ordinal);
            Assert.Contains("1 incidents", canaryList, StringComparison.Ordinal);
            Assert.Contains("Kind: early warning", earlyPage, StringComparison.Ordinal);
            Assert.Contains("lab-name", earlyPage, StringComparison.Ordinal);
            Assert.DoesNotContain("Contactez-moi", earlyPage, StringComparison.Ordinal); // never the text around the term
            Assert.Contains("Kind: canary", canaryPage, StringComparison.Ordinal);
            Assert.Contains("<strong>LIS</strong>", canaryPage, StringComparison.Ordinal);
            Assert.Contains("Kind: suspicious dump", dumpPage, StringComparison.Ordinal);
            Assert.Contains("10,000", dumpPage, StringComparison.Ordinal);
            Assert.Contains("3 incidents", all, StringComparison.Ordinal);
            Assert.Contains("A canary incident is not a patient notification", canaryReport, StringComparison.Ordinal);
            Assert.Contains("\"kind\": \"canary\"", canaryJson, StringComparison.Ordinal);
            Assert.Contains("\"persons\": 0", canaryJson, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, canaryPatients.StatusCode);
            Assert.Contains("report.json", confirmedPage, StringComparison.Ordinal);
            Assert.DoesNotContain("patients.jsonl", confirmedPage, StringComparison.Ordinal);
        }
        finally
        {
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        }
        var runResult = await run;

        // Nothing of a canary or a patient anywhere: database, outputs, logs, alerts, pages.
        var needles = new PlaintextScanner(PlaintextScanner.ValuesOf([.. canaries, .. _base]).Concat(nirs.Take(2000)).Concat(nirs.Take(2000).Select(n => n[..13])));
        var said = string.Join('\n', created.Error, created.AllLogText, enroll.ToString(), crawl.ToString(), runResult.ToString(), pages.ToString(),
            string.Join('\n', outbox.Select(o => o.Payload)));
        Assert.Empty(needles.Find(said));
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_cli.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var found = needles.Find(await File.ReadAllBytesAsync(file));
            Assert.True(found.Count == 0, $"{Path.GetFileName(file)} holds {string.Join(", ", found.Take(5))}");
        }
        Assert.NotEmpty(needles.Find(created.Out)); // the one place they were printed: the scanner does find them
    }

    [Fact]
    public async Task Crawl_WatchedPatternRunsOutOfTime_ReadInPartNamingTheTermNeverClean()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _base, new UTF8Encoding(false)))).ExitCode);

        CliResult crawl;
        await using (var server = await LoopbackServer.StartAsync(TimeProvider.System))
        {
            var site = new ForumSite("phpbb");
            site.Serve(server);
            site.AddPost(site.AddThread("annonce"), string.Join(' ', Enumerable.Repeat("ABCDEFGHIJ", 3000)));
            Configure(server.Url(site.BoardPath).AbsoluteUri);
            // Catastrophic backtracking on that post: the pattern cannot finish in a millisecond.
            _cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:1:Pattern"] = @"(\w+\s?)+X";
            _cli.Settings["LeakWatch:EarlyWarning:RegexTimeout"] = "00:00:00.001";

            crawl = await _cli.RunAsync("crawl", "--once");
        }

        // Not "nothing found": the page was not searched whole for that term, and the run says which.
        Assert.True(crawl.ExitCode == 3, crawl.ToString());
        Assert.Contains("not searched whole for watched terms: software ran out of time", crawl.AllLogText, StringComparison.Ordinal);
        Assert.Contains("forum: degraded", crawl.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCDEFGHIJ", crawl.Out + crawl.Error + crawl.AllLogText, StringComparison.Ordinal);
    }

    private void Configure(string boardUrl)
    {
        _cli.Settings["LeakWatch:Sources:0:Name"] = "forum";
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "true";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "forum";
        _cli.Settings["LeakWatch:Sources:0:Preset"] = "phpbb";
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = boardUrl;
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";
        _cli.Settings["LeakWatch:Crawler:MaxRetries"] = "0";
        _cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:0:Name"] = "lab-name";
        _cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:0:Text"] = "Labo Santé Plus";
        _cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:1:Name"] = "software";
        _cli.Settings["LeakWatch:EarlyWarning:WatchedTerms:1:Pattern"] = @"\bkali ?labo\b";
        var secret = Path.Combine(_cli.Root, "hook.secret");
        File.WriteAllText(secret, "s3cret\n");
        foreach (var (index, name) in new[] { (0, "dpo-hook"), (1, "soc-hook") })
        {
            var at = "LeakWatch:Alerting:Channels:" + index.ToString(CultureInfo.InvariantCulture) + ":";
            _cli.Settings[at + "Name"] = name;
            _cli.Settings[at + "Kind"] = "webhook";
            _cli.Settings[at + "Url"] = "http://127.0.0.1:9/" + name;
            _cli.Settings[at + "SecretFile"] = secret;
        }
        _cli.Settings["LeakWatch:Alerting:Channels:1:EarlyWarnings"] = "none";
        _cli.Settings["LeakWatch:Alerting:Channels:1:SuspiciousDumps"] = "immediate";
    }

    private async Task<ConsoleClient> SignedInDpoAsync(IServiceProvider services)
    {
        const string password = "correct horse battery staple";
        _cli.StandardInput = password + "\n";
        var add = await _cli.RunAsync("users", "add", "marie.dpo", "--role", "dpo", "--password-stdin");
        _cli.StandardInput = null;
        Assert.True(add.ExitCode == 0, add.ToString());
        var client = new ConsoleClient(services.GetRequiredService<LeakWatch.Service.Hosting.WebListener>().Addresses[0]);
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignInAsync("marie.dpo", password)).StatusCode);
        var change = await client.PostFormAsync("/account/password", new() { ["current"] = password, ["next"] = password + " 2", ["confirm"] = password + " 2" });
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        return client;
    }

    private static List<string> Kinds(List<(string Channel, string Payload)> outbox, string channel) =>
        [.. outbox.Where(o => o.Channel == channel)
            .Select(o => System.Text.Json.JsonDocument.Parse(o.Payload).RootElement.GetProperty("incident").GetProperty("kind").GetString()!)
            .Order(StringComparer.Ordinal)];

    private sealed record StoredIncident(long Id, string Kind, string Source, string Url, string? System, string? Terms, long PatientsHigh, long PatientsTotal, long ValidNirs, long Records);
}
