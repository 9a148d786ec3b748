using System.Globalization;
using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Detection;

/// <summary>The readable form of a scan: one paragraph per document, counts and rule names only, entry names masked.</summary>
internal static class ScanSummary
{
    /// <param name="shown">The document's name as it may be printed; null: <see cref="DocumentNames.Mask"/> of it.</param>
    public static void Write(TextWriter output, DocumentScanResult result, string? shown = null)
    {
        var inv = CultureInfo.InvariantCulture;
        result = result with { Document = shown ?? DocumentNames.Mask(result.Document) };
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
        output.WriteLine(string.Create(inv, $"  sha256: {result.ContentSha256}"));
        if (result.Skipped is { } partly) output.WriteLine(string.Create(inv, $"  note: {partly}"));
    }
}
