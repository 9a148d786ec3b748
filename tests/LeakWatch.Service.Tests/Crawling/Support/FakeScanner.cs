using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeakWatch.Core.Documents;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>
/// Stands in for matching at the crawler's boundary: a planted record is the token SYNTH-NNNNNN (patient NNNNNN). The
/// rest is the product's own: archives are opened by Core's unpacker with the detection defaults (an archive bomb is
/// refused there, with its reason), leaves are decoded by Core's decoder; only the matching is a fake.
/// </summary>
internal sealed partial class FakeScanner(ContentHashes hashes) : IDocumentScanner
{
    private static readonly UnpackLimits Limits = new DetectionOptions().UnpackLimits;

    public ConcurrentQueue<string> Scanned { get; } = new();

    /// <summary>The text of every leaf document scanned, by name (synthetic content only).</summary>
    public ConcurrentDictionary<string, string> Texts { get; } = new();

    public Task<IReadOnlyList<DocumentScanResult>> ScanAsync(Stream content, string documentName, CancellationToken cancellationToken)
    {
        Scanned.Enqueue(documentName);
        var results = new List<DocumentScanResult>();
        var unpacked = DocumentUnpacker.Unpack(content, documentName, Limits, (leafName, leaf) =>
        {
            // A leaf the unpacker stops (a bomb) throws here and is listed in Skipped with its reason.
            using var buffer = new MemoryStream();
            leaf.CopyTo(buffer);
            var bytes = buffer.ToArray();
            using var decoded = TextDecoding.Open(new MemoryStream(bytes, writable: false));
            var text = decoded.ReadToEnd();
            Texts[leafName] = text;
            results.Add(Text(leafName, text, bytes));
        }, cancellationToken);
        foreach (var skipped in unpacked.Skipped) results.Add(new DocumentScanResult(skipped.Name, "", 0, 0, [], skipped.Reason));
        return Task.FromResult<IReadOnlyList<DocumentScanResult>>(results);
    }

    /// <summary>
    /// A fetched document as the intake hands it over. A page is read as the real HTML extractor reads it: its visible
    /// text only (no script, style or attribute), from the document's one decoding.
    /// </summary>
    public Task<IReadOnlyList<DocumentScanResult>> ScanAsync(FetchedDocument document, string documentName, CancellationToken cancellationToken)
    {
        if (!document.IsHtml || document.Body.AsSpan().StartsWith("PK\x03\x04"u8))
        {
            return ScanAsync(new MemoryStream(document.Body, writable: false), documentName, cancellationToken);
        }
        var page = LeakWatch.Service.Crawling.CrawledHtml.Parse(document.Text);
        foreach (var hidden in page.QuerySelectorAll("script, style, template").ToList()) hidden.Remove();
        var text = page.Body?.TextContent ?? "";
        Scanned.Enqueue(documentName);
        Texts[documentName] = text;
        return Task.FromResult<IReadOnlyList<DocumentScanResult>>([Text(documentName, text, Encoding.UTF8.GetBytes(text))]);
    }

    private DocumentScanResult Text(string name, string text, byte[] bytes)
    {
        var matches = Token().Matches(text)
            .GroupBy(m => m.Groups[1].Value)
            .Select(g => new PatientMatch(
                new Fingerprint(UInt128.Parse(g.Key, CultureInfo.InvariantCulture)),
                Confidence.High, MatchedRules.NirName, MatchedFields.Nir | MatchedFields.LastName,
                [new MatchLocation(g.First().Index, text.AsSpan(0, g.First().Index).Count('\n') + 1)]))
            .ToList();
        return new DocumentScanResult(name, hashes.Content(bytes), bytes.Length, text.Count(c => c == '\n') + 1, matches);
    }

    [GeneratedRegex(@"SYNTH-(\d{6})")]
    private static partial Regex Token();
}

/// <summary>Records what the crawler hands to alerting.</summary>
internal sealed class FakeRecorder : LeakWatch.Service.Incidents.IIncidentRecorder
{
    public ConcurrentQueue<(string Source, string Url, DocumentScanResult Result)> Recorded { get; } = new();

    public IReadOnlySet<int> Patients => Recorded.SelectMany(r => r.Result.Matches).Select(m => (int)m.Patient.Value).ToHashSet();

    public Task RecordAsync(string source, string url, DocumentScanResult result, CancellationToken cancellationToken)
    {
        Recorded.Enqueue((source, url, result));
        return Task.CompletedTask;
    }
}
