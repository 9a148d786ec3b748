using System.Globalization;
using System.Text;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>
/// A public Telegram channel through its preview page <c>https://t.me/s/NAME</c>: messages
/// <c>.tgme_widget_message[data-post="name/123"]</c>, text in <c>.tgme_widget_message_text</c>, shared files named in
/// <c>.tgme_widget_message_document</c> (the preview offers no download: the name is scanned, links in the text are
/// followed). Older messages come with <c>?before=ID</c>. Each run reads back to the last message seen.
/// </summary>
internal sealed class TelegramAdapter : ISourceAdapter
{
    public string Kind => SourceKinds.Telegram;

    public async Task RunAsync(CrawlSession session, CancellationToken ct)
    {
        foreach (var start in session.Source.Urls)
        {
            var channel = new Uri(start);
            var key = "last:" + UrlCanonical.Normalize(channel);
            var last = long.TryParse(await session.GetCursorAsync(key, ct), CultureInfo.InvariantCulture, out var l) ? l : 0;
            var newest = last;
            var ok = true;
            Uri? page = channel;
            for (var n = 0; page is not null && n < session.Source.MaxPages; n++)
            {
                var result = await session.FetchPageAsync(page, conditional: false, ct, entryPoint: n == 0);
                if (result is null) { ok = false; break; }
                var document = CrawledHtml.Parse(result.Text);
                var messages = document.QuerySelectorAll(".tgme_widget_message[data-post]");
                if (messages.Length == 0)
                {
                    // An empty channel shows no message, and neither does a page that is not a channel preview.
                    if (n == 0 && document.QuerySelector(".tgme_channel_info, .tgme_page_title") is null)
                    {
                        session.Fail(result.FinalUrl.AbsoluteUri, "not a Telegram channel preview (no .tgme_widget_message)", entryPoint: true);
                        ok = false;
                    }
                    break;
                }
                long oldest = long.MaxValue;
                foreach (var message in messages)
                {
                    var post = message.GetAttribute("data-post")!;
                    var slash = post.LastIndexOf('/');
                    if (slash < 0 || !long.TryParse(post.AsSpan(slash + 1), CultureInfo.InvariantCulture, out var id)) continue;
                    oldest = Math.Min(oldest, id);
                    if (id <= last) continue;
                    // The message's text and its files' names, as the page shows them, go to detection as one HTML document.
                    var html = new StringBuilder("<html><body>").Append(message.QuerySelector(".tgme_widget_message_text")?.OuterHtml);
                    foreach (var file in message.QuerySelectorAll(".tgme_widget_message_document_title, .tgme_widget_message_document_extra"))
                    {
                        html.Append("<p>").Append(file.OuterHtml).Append("</p>");
                    }
                    var name = new Uri(channel, "/" + post).AbsoluteUri;
                    ok &= await session.ScanAsync(name, FetchedDocument.FromText(html.Append("</body></html>").ToString(), "text/html"), ct);
                    if (session.Source.MaxDepth >= 1 && message.QuerySelector(".tgme_widget_message_text") is { } body)
                    {
                        foreach (var link in PostLinks.ToFetch(session, result.FinalUrl, body, null))
                        {
                            ok &= await session.FetchAndScanOnceAsync(link, ct);
                        }
                    }
                    newest = Math.Max(newest, id);
                }
                if (oldest == long.MaxValue || oldest <= last + 1) break;
                page = new Uri(channel, channel.AbsolutePath + "?before=" + oldest.ToString(CultureInfo.InvariantCulture));
            }
            if (ok && newest > last) await session.SetCursorAsync(key, newest.ToString(CultureInfo.InvariantCulture), ct);
        }
    }
}
