using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>
/// Stands in for detection at the crawler's boundary: a planted record is the token SYNTH-NNNNNN (patient NNNNNN).
/// Unpacks zip archives like the real scanner does, refusing entries that expand past 10 MB (an archive bomb).
/// </summary>
internal sealed partial class FakeScanner : IDocumentScanner
{
    private const long MaxEntryBytes = 10L * 1024 * 1024;

    public ConcurrentQueue<string> Scanned { get; } = new();

    /// <summary>The text of every plain document scanned, by name (synthetic content only).</summary>
    public ConcurrentDictionary<string, string> Texts { get; } = new();

    public async Task<IReadOnlyList<DocumentScanResult>> ScanAsync(Stream content, string documentName, CancellationToken cancellationToken)
    {
        Scanned.Enqueue(documentName);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (bytes.AsSpan().StartsWith("PK\x03\x04"u8))
        {
            var results = new List<DocumentScanResult>();
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                var name = documentName + "!" + entry.FullName;
                await using var stream = entry.Open();
                using var leaf = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                var bomb = false;
                while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    leaf.Write(chunk, 0, read);
                    if (leaf.Length > MaxEntryBytes) { bomb = true; break; }
                }
                results.Add(bomb
                    ? new DocumentScanResult(name, "", leaf.Length, 0, [], "archive bomb: entry expands past 10 MB")
                    : Text(name, leaf.ToArray()));
            }
            return results;
        }
        Texts[documentName] = Encoding.UTF8.GetString(bytes);
        return [Text(documentName, bytes)];
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
        return Task.FromResult<IReadOnlyList<DocumentScanResult>>([Text(documentName, Encoding.UTF8.GetBytes(text))]);
    }

    private static DocumentScanResult Text(string name, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var matches = Token().Matches(text)
            .GroupBy(m => m.Groups[1].Value)
            .Select(g => new PatientMatch(
                new Fingerprint(UInt128.Parse(g.Key, CultureInfo.InvariantCulture)),
                Confidence.High, MatchedRules.NirName, MatchedFields.Nir | MatchedFields.LastName,
                [new MatchLocation(g.First().Index, text.AsSpan(0, g.First().Index).Count('\n') + 1)]))
            .ToList();
        return new DocumentScanResult(name, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, text.Count(c => c == '\n') + 1, matches);
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
