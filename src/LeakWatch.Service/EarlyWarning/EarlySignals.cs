using LeakWatch.Core.Documents;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Detection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.EarlyWarning;

/// <summary>A document of French health data that holds none of our patients: counts only.</summary>
internal sealed record SuspiciousDump(long Records, long ValidNirRecords, long IdentityRecords);

/// <summary>
/// What a crawled document says before any patient of ours shows: the watched terms in its title and text, and
/// whether it is shaped like a French health dump with none of our patients in it.
/// </summary>
internal sealed class EarlySignals(WatchedTerms terms, IOptions<EarlyWarningOptions> options)
{
    private readonly SuspiciousDumpOptions _dumps = options.Value.SuspiciousDump;
    private readonly int _maxCharacters = options.Value.MaxTextCharacters;

    /// <summary>The watched terms in a fetched page (its title and visible text) or text document; archives are not read for terms.</summary>
    public TermSearch SearchTerms(FetchedDocument document)
    {
        if (terms.IsEmpty || document.Body.Length == 0) return TermSearch.None;
        if (ArchiveSniffer.Detect(document.Body.AsSpan(0, Math.Min(document.Body.Length, ArchiveSniffer.HeadBytes))) != ArchiveKind.None) return TermSearch.None;
        if (!document.IsHtml) return terms.Search(document.Text);
        // Markup takes room: twice the characters searched is plenty of page to parse, and a huge page costs no more.
        var text = document.Text.Length > 2L * _maxCharacters ? document.Text[..(2 * _maxCharacters)] : document.Text;
        var html = Crawling.CrawledHtml.Parse(text);
        return terms.Search(html.Title + " \n " + Crawling.PageWords.Of(html.Body));
    }

    /// <summary>Null unless the leaf holds neither patients nor canaries of ours and its shape passes a threshold.</summary>
    public SuspiciousDump? Suspicious(DocumentScanResult result)
    {
        if (!_dumps.Enabled || result.Matches.Count > 0 || result.Canaries.Count > 0 || result.Signals is not { } signals) return null;
        if (signals.ValidNirRecords < _dumps.MinValidNirs && signals.IdentityRecords < _dumps.MinIdentityRows) return null;
        return new SuspiciousDump(result.Records, signals.ValidNirRecords, signals.IdentityRecords);
    }
}
