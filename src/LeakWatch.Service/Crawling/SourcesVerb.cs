using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Crawling.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Crawling;

/// <summary><c>leakwatch sources [--json]</c>: the configured sources and their health.</summary>
internal static class SourcesVerb
{
    // FAILED/REQ: the last run's failed + not-sent (circuit open) requests out of all it asked for.
    private static readonly string[] Header = ["NAME", "KIND", "ON", "SCHEDULE", "STATUS", "LAST SUCCESS", "FAILED/REQ", "FAILS", "DOCS", "BYTES", "LAST RUN", "REFUSED", "LAST ERROR"];

    public static Command Create(VerbHost verbHost)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per source." };
        var command = new Command("sources", "List the configured sources and their health.") { json };
        verbHost.SetAction(command, (parse, services, console, ct) => RunAsync(services, parse.GetValue(json), console.Out, console.Error, ct));
        return command;
    }

    internal static async Task<int> RunAsync(IServiceProvider services, bool json, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        SourcesOptions sources;
        try
        {
            sources = services.GetRequiredService<IOptions<SourcesOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) await errors.WriteLineAsync(failure);
            return 2;
        }
        var health = (await services.GetRequiredService<SourceHealthStore>().ListAsync(ct)).ToDictionary(h => h.Source, StringComparer.OrdinalIgnoreCase);
        var refusals = await services.GetRequiredService<CrawlStateStore>().RefusalsAsync(ct);
        var rows = sources.Sources.Select(s => (Source: s, Health: health.GetValueOrDefault(s.Name))).ToList();
        if (json)
        {
            foreach (var (s, h) in rows)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    name = s.Name,
                    kind = s.Kind,
                    enabled = s.Enabled,
                    schedule = s.Schedule,
                    lastRunAt = h?.LastRunAt,
                    lastSuccessAt = h?.LastSuccessAt,
                    lastError = h?.LastError,
                    lastErrorAt = h?.LastErrorAt,
                    consecutiveFailures = h?.ConsecutiveFailures ?? 0,
                    documentsSeen = h?.DocumentsSeen ?? 0,
                    bytesSeen = h?.BytesSeen ?? 0,
                    lastRunDocuments = h?.LastRunDocuments ?? 0,
                    lastRunRequests = h?.LastRunRequests ?? 0,
                    lastRunErrors = h?.LastRunErrors ?? 0,
                    lastRunDurationMs = h?.LastRunDurationMs ?? 0,
                    status = h?.LastRunStatus,
                    lastRunNotSent = h?.LastRunSkipped ?? 0,
                    lastRunRefused = h?.LastRunRefused ?? 0,
                    lastWarning = h?.LastWarning,
                    refusedLinks = refusals.GetValueOrDefault(s.Name)?.Links ?? 0,
                    nextRefusalRetryAt = refusals.GetValueOrDefault(s.Name) is { } r ? Storage.DbTime.Text(r.NextRetryAt) : null,
                }));
            }
            return 0;
        }
        var table = new List<string[]> { Header };
        foreach (var (s, h) in rows)
        {
            table.Add([
                s.Name, s.Kind, s.Enabled ? "yes" : "no", s.Schedule, h?.LastRunStatus ?? "-", h?.LastSuccessAt ?? "never",
                h is null ? "-" : $"{h.LastRunErrors}+{h.LastRunSkipped}/{h.LastRunRequests}",
                (h?.ConsecutiveFailures ?? 0).ToString(CultureInfo.InvariantCulture), (h?.DocumentsSeen ?? 0).ToString(CultureInfo.InvariantCulture),
                (h?.BytesSeen ?? 0).ToString(CultureInfo.InvariantCulture),
                h is null ? "-" : (h.LastRunDurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s",
                refusals.GetValueOrDefault(s.Name) is { } refused ? $"{refused.Links} (retry from {Storage.DbTime.Text(refused.NextRetryAt)})" : "0",
                h?.LastError ?? "",
            ]);
        }
        var widths = Enumerable.Range(0, table[0].Length - 1).Select(c => table.Max(r => r[c].Length)).ToArray();
        foreach (var row in table)
        {
            await output.WriteLineAsync(string.Join("  ", row.Take(widths.Length).Select((cell, c) => cell.PadRight(widths[c]))) + "  " + row[^1]);
        }
        return 0;
    }
}
