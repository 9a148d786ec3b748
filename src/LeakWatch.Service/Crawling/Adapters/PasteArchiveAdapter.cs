using System.Text.RegularExpressions;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// A paste site's public listing (Pastebin's <c>/archive</c>: a table of links <c>/XXXXXXXX</c>) and the raw text of each
/// paste (<c>/raw/XXXXXXXX</c>). Each paste is fetched once; the listing is read every run.
/// </summary>
internal sealed partial class PasteArchiveAdapter : ISourceAdapter
{
    private const string DefaultLinks = "table.maintable a[href]";

    public string Kind => SourceKinds.PasteArchive;

    public async Task RunAsync(CrawlSession session, CancellationToken ct)
    {
        var selector = session.Source.Selectors.PasteLinks ?? DefaultLinks;
        // Relative to the listing, so that an archive under a path (/paste/archive) finds its raw texts (/paste/raw/ID).
        var template = session.Source.RawUrlTemplate ?? "raw/{id}";
        var opened = 0;
        foreach (var start in session.Source.Urls)
        {
            var visited = new HashSet<string>(StringComparer.Ordinal);
            Uri? page = new(start);
            for (var n = 0; page is not null && n < session.Source.MaxPages; n++)
            {
                if (!visited.Add(UrlCanonical.Normalize(page))) break;
                var listing = await session.FetchPageAsync(page, conditional: false, ct, entryPoint: n == 0);
                if (listing is null) break;
                var document = CrawledHtml.Parse(listing.Text);
                var directory = new Uri(listing.FinalUrl, "./");
                var ids = new List<string>();
                int matched = 0, elsewhere = 0, shape = 0;
                foreach (var anchor in document.QuerySelectorAll(selector))
                {
                    if (Hrefs.Of(listing.FinalUrl, anchor) is not { } link) continue;
                    matched++;
                    if (!string.Equals(link.IdnHost, listing.FinalUrl.IdnHost, StringComparison.OrdinalIgnoreCase)) { elsewhere++; continue; }
                    var id = link.AbsolutePath.TrimEnd('/').Split('/')[^1];
                    // With the default selector, only paste-shaped links: one segment of letters and digits beside the listing.
                    if (session.Source.Selectors.PasteLinks is null && !IsPasteLink(link, directory, id)) { shape++; continue; }
                    if (id.Length > 0 && !ids.Contains(id)) ids.Add(id);
                }
                if (ids.Count == 0)
                {
                    var why = matched == 0
                        ? ForumAdapter.WhyEmpty(document, session.Source.ErrorPhrases, null, $"no paste link matched '{selector}'")
                        : $"no paste link kept: {matched} links matched '{selector}', {elsewhere} on another host, {shape} dropped by the default " +
                          $"paste-link filter (one path segment of 4 to 16 letters or digits under {directory.AbsolutePath}); Selectors:PasteLinks chooses them";
                    session.Fail(listing.FinalUrl.AbsoluteUri, why, entryPoint: n == 0);
                    break;
                }
                foreach (var id in ids)
                {
                    if (opened >= session.Source.MaxThreads) return;
                    var raw = Hrefs.Resolve(new Uri(start), template.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal));
                    if (raw is null || !session.MayFollow(raw)) continue;
                    if (await session.WasFetchedAsync(raw, ct)) continue;
                    opened++;
                    await session.FetchAndScanOnceAsync(raw, ct, accept: "text/plain,*/*;q=0.5");
                }
                page = NextPage.Find(document, session.Source.Selectors.NextPage, listing.FinalUrl, visited);
            }
        }
    }

    private static bool IsPasteLink(Uri link, Uri directory, string id) =>
        link.AbsolutePath.StartsWith(directory.AbsolutePath, StringComparison.Ordinal) &&
        link.AbsolutePath[directory.AbsolutePath.Length..].TrimEnd('/') == id && PasteId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9]{4,16}$")]
    private static partial Regex PasteId();
}
