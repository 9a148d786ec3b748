using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeakWatch.Service.Tests.Hosting;
using Xunit.Abstractions;

namespace LeakWatch.Service.Tests.Crawling.RealForums;

/// <summary>
/// The real forums: enroll the lab export with `enroll`, crawl the forum from its index URL only with `crawl --once`,
/// resolve the matches with `resolve`: every planted patient is found on the URL the truth file gives, nothing in the
/// decoy thread; a second run with nothing new stays within 5 requests per board; a reply posted through the forum's
/// own form (logged in as its admin) is found by the next run within 6 requests.
/// </summary>
public abstract partial class RealForumTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly RealForum _forum;
    private readonly ITestOutputHelper _output;

    protected RealForumTests(RealForum forum, ITestOutputHelper output)
    {
        _forum = forum;
        _output = output;
    }

    protected abstract string Preset { get; }

    /// <summary>The long thread, whose last page gets the late reply.</summary>
    protected abstract string LongThread { get; }

    protected abstract Task ReplyAsync(ForumPoster poster, string message);

    protected async Task CrawlFromIndex_PlantedPatients_AllFoundCheaplyAgainAndLateReplyFound()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", RealForum.PatientsCsv);
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        // Index 0 overlays the disabled example source of appsettings.json.
        _cli.Settings["LeakWatch:Sources:0:Name"] = Preset;
        _cli.Settings["LeakWatch:Sources:0:Enabled"] = "true";
        _cli.Settings["LeakWatch:Sources:0:Kind"] = "forum";
        _cli.Settings["LeakWatch:Sources:0:Preset"] = Preset;
        _cli.Settings["LeakWatch:Sources:0:Urls:0"] = _forum.BaseUrl.AbsoluteUri; // the index: boards are found there
        _cli.Settings["LeakWatch:Sources:0:AllowPrivateAddresses"] = "true";
        _cli.Settings["LeakWatch:Sources:0:RequestInterval"] = "00:00:00";

        var first = await _cli.RunAsync("crawl", "--once", "--json");
        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Contains(": ok,", first.Error, StringComparison.Ordinal);
        var found = await ResolveAsync(first.Out);
        var planted = _forum.Truth.GetProperty("planted").EnumerateArray()
            .Select(p => (Ipp: p.GetProperty("ipp").GetString()!, Url: p.GetProperty("url").GetString()!)).ToList();
        var missing = planted.Where(p => !found.Any(f => f.Id == p.Ipp && f.Url == p.Url)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {planted.Count} planted patients not found on their URL: " +
            string.Join(", ", missing.Select(m => m.Ipp + " @ " + m.Url)) + "\n" + first);
        var decoy = _forum.Truth.GetProperty("decoy").GetProperty("url").GetString()!;
        Assert.DoesNotContain(found, f => f.Url == decoy);
        Assert.Empty(found.Select(f => f.Id).Except(planted.Select(p => p.Ipp))); // nobody else, no unresolved reference

        var second = await _cli.RunAsync("crawl", "--once", "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("", second.Out);
        var boards = _forum.Truth.GetProperty("boards").GetArrayLength();
        var quiet = Requests(second.Error);
        Assert.True(quiet <= 5 * boards, $"a run with nothing new cost {quiet} requests for {boards} boards\n{second}");

        var (ipp, row) = Unplanted(planted.Select(p => p.Ipp).ToHashSet());
        using (var poster = new ForumPoster(_forum.BaseUrl))
        {
            await ReplyAsync(poster, "[code]" + File.ReadLines(RealForum.PatientsCsv).First() + "\n" + row + "[/code]");
        }
        var third = await _cli.RunAsync("crawl", "--once", "--json");
        Assert.True(third.ExitCode == 1, third.ToString());
        var late = await ResolveAsync(third.Out);
        Assert.Contains(late, f => f.Id == ipp && f.Url.StartsWith(LongThread, StringComparison.Ordinal));
        var cost = Requests(third.Error);
        // The figures, for whoever reads the test log: what each run cost.
        _output.WriteLine(first.Error + second.Error + third.Error);
        Assert.True(cost <= 6, $"the late reply cost {cost} requests\n{third}");
    }

    /// <summary>A patient of the export that is planted nowhere in this forum, with its export row (synthetic data).</summary>
    private static (string Ipp, string Row) Unplanted(HashSet<string> planted)
    {
        var row = File.ReadLines(RealForum.PatientsCsv).Skip(1).Reverse().First(l => !planted.Contains(l.Split(';')[0]));
        return (row.Split(';')[0], row);
    }

    private static long Requests(string summary)
    {
        var match = RequestCount().Match(summary);
        Assert.True(match.Success, summary);
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>(export id, URL relative to the forum root without the archive entry) of every matched patient.</summary>
    private async Task<List<(string Id, string Url)>> ResolveAsync(string crawlJson)
    {
        _cli.StandardInput = crawlJson;
        var resolve = await _cli.RunAsync("resolve", RealForum.PatientsCsv);
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        var ids = resolve.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .GroupBy(e => e.GetProperty("patient").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("id").GetString() ?? "?");
        var root = _forum.BaseUrl.AbsoluteUri;
        return [.. crawlJson.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (ids[e.GetProperty("patient").GetString()!], Relative(e.GetProperty("document").GetString()!, root)))];
    }

    private static string Relative(string document, string root)
    {
        var url = document.Split('!')[0];
        return url.StartsWith(root, StringComparison.Ordinal) ? url[root.Length..] : url;
    }

    public void Dispose()
    {
        _cli.Dispose();
        GC.SuppressFinalize(this);
    }

    [GeneratedRegex(@": [a-zA-Z]+, (\d+) requests")]
    private static partial Regex RequestCount();
}

public sealed class PhpbbRealForumTests(PhpbbForum forum, ITestOutputHelper output) : RealForumTests(forum, output), IClassFixture<PhpbbForum>
{
    protected override string Preset => "phpbb";

    protected override string LongThread => "viewtopic.php?t=27";

    protected override Task ReplyAsync(ForumPoster poster, string message) => poster.ReplyPhpbbAsync(27, message);

    [Fact]
    public Task Phpbb_CrawledFromIndex_FindsEveryPlantedPatientRerunsCheaplyAndFindsALateReply() =>
        CrawlFromIndex_PlantedPatients_AllFoundCheaplyAgainAndLateReplyFound();
}

public sealed class MybbRealForumTests(MybbForum forum, ITestOutputHelper output) : RealForumTests(forum, output), IClassFixture<MybbForum>
{
    protected override string Preset => "mybb";

    protected override string LongThread => "showthread.php?tid=26";

    protected override Task ReplyAsync(ForumPoster poster, string message) => poster.ReplyMybbAsync(26, message);

    [Fact]
    public Task Mybb_CrawledFromIndex_FindsEveryPlantedPatientRerunsCheaplyAndFindsALateReply() =>
        CrawlFromIndex_PlantedPatients_AllFoundCheaplyAgainAndLateReplyFound();
}
