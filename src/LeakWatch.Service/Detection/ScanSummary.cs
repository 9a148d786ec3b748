using System.Globalization;
using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Detection;

/// <summary>The readable form of a scan: one paragraph per document, counts and rule names only, entry names masked.</summary>
internal static class ScanSummary
{
    /// <param name="shown">The document's name as it may be printed (<see cref="DocumentNames.Mask"/> of it, unless names are shown).</param>
    /// <param name="suspicious">The document's shape when it is a suspicious dump (counts only), else null.</param>
    public static void Write(TextWriter output, DocumentScanResult result, string shown, EarlyWarning.SuspiciousDump? suspicious = null)
    {
        var inv = CultureInfo.InvariantCulture;
        result = result with { Document = shown };
        WriteCanaries(output, result);
        if (suspicious is not null)
        {
            output.WriteLine(string.Create(inv,
                $"{result.Document}: suspicious dump, none of our patients: {suspicious.ValidNirRecords} records with a valid NIR, {suspicious.IdentityRecords} identity records, of {suspicious.Records} (another lab's leak, or an enrollment out of date?)"));
        }
        if (result.Skipped is { } reason && result.Matches.Count == 0)
        {
            output.WriteLine(string.Create(inv, $"{result.Document}: not read whole, nothing found in what was read ({reason})"));
            return;
        }
        if (result.Matches.Count == 0)
        {
            output.WriteLine(string.Create(inv, $"{result.Document}: no patient found ({result.Records} records)"));
            return;
        }
        var high = result.Matches.Count(m => m.Confidence == Confidence.High);
        var medium = result.Matches.Count(m => m.Confidence == Confidence.Medium);
        var low = result.Matches.Count - high - medium;
        output.WriteLine(string.Create(inv, $"{result.Document}: {result.Matches.Count} patients of ours ({high} high, {medium} medium, {low} low confidence) in {result.Records} records"));
        var rules = result.Matches.SelectMany(m => m.Rules.Names()).GroupBy(r => r).OrderByDescending(g => g.Count());
        output.WriteLine(string.Create(inv, $"  rules: {string.Join(", ", rules.Select(g => $"{g.Key} {g.Count()}"))}"));
        output.WriteLine(string.Create(inv, $"  content hash: {result.ContentHash}"));
        if (result.Skipped is { } partly) output.WriteLine(string.Create(inv, $"  note: {partly}"));
    }

    /// <summary>A canary found: the system it was planted in, its confidence and rules. Never a value.</summary>
    private static void WriteCanaries(TextWriter output, DocumentScanResult result)
    {
        foreach (var system in result.Canaries.GroupBy(c => c.System, StringComparer.Ordinal))
        {
            var rules = string.Join(", ", system.Aggregate(MatchedRules.None, (all, c) => all | c.Match.Rules).Names());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Document}: CANARY of system '{system.Key}' found ({system.Count()} canaries; rules: {rules}): this document came from '{system.Key}'"));
        }
    }
}
