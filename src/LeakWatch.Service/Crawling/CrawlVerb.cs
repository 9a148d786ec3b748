using System.CommandLine;
using LeakWatch.Core.Matching;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Detection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// <c>leakwatch crawl --once [--source NAME] [--json]</c>: crawls now, through the same code as the scheduled job, and
/// exits like grep: 0 no match, 1 matches, 2 bad configuration or unknown source, 3 nothing found but a source failed
/// (as a whole or in part: some of its requests failed or were not sent), so "nothing" may not be the whole answer.
/// </summary>
internal static class CrawlVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var once = new Option<bool>("--once") { Description = "Crawl now and exit (the scheduled crawls run in `leakwatch run`)." };
        var source = new Option<string?>("--source") { Description = "Only this source (enabled or not); default: every enabled source." };
        var json = new Option<bool>("--json") { Description = "Print matches as JSON lines, as `scan --json` does (document = URL)." };
        var command = new Command("crawl", "Crawl the configured sources now (exit 0: no match, 1: matches, 2: configuration error, 3: a source failed and nothing was found).") { once, source, json };
        verbHost.SetAction(command,
            async (parse, services, console, ct) =>
            {
                if (!parse.GetValue(once))
                {
                    await console.Error.WriteLineAsync("leakwatch: crawl needs --once (scheduled crawls run in `leakwatch run`).");
                    return ExitCodes.BadConfiguration;
                }
                return await RunAsync(services, parse.GetValue(source), parse.GetValue(json), console.Out, console.Error, ct);
            },
            failureExitCode: 2);
        return command;
    }

    internal static async Task<int> RunAsync(IServiceProvider services, string? sourceName, bool json, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        SourcesOptions sources;
        try
        {
            sources = services.GetRequiredService<IOptions<SourcesOptions>>().Value;
            _ = services.GetRequiredService<IOptions<CrawlerOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) await errors.WriteLineAsync(failure);
            return ExitCodes.BadConfiguration;
        }
        List<SourceOptions> selected;
        if (sourceName is not null)
        {
            if (sources.Find(sourceName) is not { } one)
            {
                await errors.WriteLineAsync($"leakwatch: no source named '{sourceName}' in LeakWatch:Sources.");
                return ExitCodes.BadConfiguration;
            }
            selected = [one];
        }
        else
        {
            selected = [.. sources.Sources.Where(s => s.Enabled)];
        }
        if (selected.Count == 0)
        {
            await errors.WriteLineAsync("leakwatch: no enabled source in LeakWatch:Sources (enable one, or name it with --source).");
            return ExitCodes.BadConfiguration;
        }

        var crawler = services.GetRequiredService<SourceCrawler>();
        var names = (await services.GetRequiredService<ContentHashing>().GetForRecordingAsync(ct)).Names;
        var matched = false;
        var partial = false;
        var gate = new object();
        void OnMatch(DocumentScanResult result)
        {
            lock (gate)
            {
                matched = true;
                if (json) MatchOutput.WriteJsonLines(output, result, names.Mask(result.Document));
                else output.WriteLine($"match\t{names.Mask(result.Document)}\t{result.Matches.Count} patient(s)\t{result.Matches.Max(m => m.Confidence).ToString().ToLowerInvariant()}");
            }
        }
        foreach (var source in selected)
        {
            var result = await crawler.RunAsync(source, OnMatch, ct);
            partial |= result.Partial;
            await errors.WriteLineAsync($"{result.Source}: {(result.Succeeded ? result.Status : "FAILED")}, {result.Requests} requests, {result.Documents} documents scanned, " +
                $"{result.Matches} matches, {result.Errors} errors, {result.NotSent} not sent, {result.Refused} links refused{(result.LastError is null ? "" : "; last: " + result.LastError)}");
        }
        await output.FlushAsync(ct);
        return matched ? ExitCodes.Found : partial ? ExitCodes.Partial : ExitCodes.Success;
    }
}
