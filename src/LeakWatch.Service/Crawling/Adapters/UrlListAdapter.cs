using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>A fixed list of URLs, each fetched conditionally every run and scanned when it changed.</summary>
internal sealed class UrlListAdapter : ISourceAdapter
{
    public string Kind => SourceKinds.Urls;

    public async Task RunAsync(CrawlSession session, CancellationToken ct)
    {
        var failures = 0;
        foreach (var value in session.Source.Urls)
        {
            var url = new Uri(value);
            var errorsBefore = session.Errors;
            var result = await session.FetchPageAsync(url, conditional: true, ct);
            if (result is null)
            {
                if (session.Errors > errorsBefore) failures++;
                continue;
            }
            if (result.IsHtml)
            {
                var text = PageWords.Of(CrawledHtml.Parse(result.Text).Body);
                if (text.Length < 4096 && DeniedPages.Reason(text, session.Source.ErrorPhrases) is { } denied)
                {
                    session.Fail(value, denied);
                    failures++;
                    continue;
                }
            }
            if (await session.ScanAsync(UrlCanonical.Normalize(url), result.Document, ct)) await session.CommitPageAsync(result, ct);
        }
        // The list as a whole failed only when none of it could be read.
        if (failures == session.Source.Urls.Count && failures > 0) session.Fail(session.Source.Urls[0], "no URL of the list could be read (last: " + session.LastError + ")", entryPoint: true);
    }
}
