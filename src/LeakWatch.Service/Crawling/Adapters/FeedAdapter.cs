using System.Xml;
using System.Xml.Linq;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// RSS 2.0 and Atom feeds, read with System.Xml and no DTD (no entity expansion, no external resolution). Each item's
/// content is scanned; its link and enclosures are fetched and scanned once (on the source's or listed hosts).
/// </summary>
internal sealed class FeedAdapter : ISourceAdapter
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";

    public string Kind => SourceKinds.Feed;

    public async Task RunAsync(CrawlSession session, CancellationToken ct)
    {
        foreach (var start in session.Source.Urls)
        {
            var feedUrl = new Uri(start);
            var result = await session.FetchPageAsync(feedUrl, conditional: true, ct, entryPoint: true, accept: "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5");
            if (result is null) continue;
            List<Item> items;
            try
            {
                items = Parse(result.Body, result.FinalUrl);
            }
            catch (XmlException e)
            {
                session.Fail(feedUrl.AbsoluteUri, $"not a well-formed feed (line {e.LineNumber}; DTDs are refused)", entryPoint: true);
                continue;
            }
            if (items.Count == 0 && result.IsHtml)
            {
                session.Fail(feedUrl.AbsoluteUri, "an HTML page, not a feed", entryPoint: true);
                continue;
            }
            var ok = true;
            foreach (var item in items.Take(session.Source.MaxThreads))
            {
                if (item.Html.Length > 0)
                {
                    // The item's HTML arrived decoded inside the feed: it enters detection as HTML text, not bytes again.
                    ok &= await session.ScanAsync(item.Name, FetchedDocument.FromText("<html><body>" + item.Html + "</body></html>", "text/html"), ct);
                }
                if (session.Source.MaxDepth < 1) continue;
                foreach (var link in item.Links.Where(session.MayFollow))
                {
                    ok &= await session.FetchAndScanOnceAsync(link, ct);
                }
            }
            if (ok) await session.CommitPageAsync(result, ct);
        }
    }

    private sealed record Item(string Name, string Html, IReadOnlyList<Uri> Links);

    private static List<Item> Parse(byte[] body, Uri feedUrl)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        using var stream = new MemoryStream(body, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        var root = XDocument.Load(reader, LoadOptions.None).Root ?? throw new XmlException("empty document");
        var items = new List<Item>();
        if (root.Name == Atom + "feed")
        {
            foreach (var entry in root.Elements(Atom + "entry"))
            {
                var links = entry.Elements(Atom + "link")
                    .Where(l => (string?)l.Attribute("rel") is null or "alternate" or "enclosure")
                    .Select(l => Hrefs.Resolve(feedUrl, (string?)l.Attribute("href"))).OfType<Uri>().ToList();
                var html = (string?)entry.Element(Atom + "content") ?? (string?)entry.Element(Atom + "summary") ?? "";
                var id = (string?)entry.Element(Atom + "id");
                items.Add(new Item(Name(feedUrl, links, id, items.Count), html, links));
            }
            return items;
        }
        foreach (var item in root.Descendants("item"))
        {
            var links = new List<Uri>();
            if (Hrefs.Resolve(feedUrl, (string?)item.Element("link")) is { } link) links.Add(link);
            links.AddRange(item.Elements("enclosure").Select(e => Hrefs.Resolve(feedUrl, (string?)e.Attribute("url"))).OfType<Uri>());
            var html = (string?)item.Element(Content + "encoded") ?? (string?)item.Element("description") ?? "";
            items.Add(new Item(Name(feedUrl, links, (string?)item.Element("guid"), items.Count), html, links));
        }
        return items;
    }

    private static string Name(Uri feed, List<Uri> links, string? id, int index) =>
        links.Count > 0 ? links[0].AbsoluteUri + "#content"
        : feed.AbsoluteUri + "#" + (string.IsNullOrWhiteSpace(id) ? "item-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) : Uri.EscapeDataString(id));
}
