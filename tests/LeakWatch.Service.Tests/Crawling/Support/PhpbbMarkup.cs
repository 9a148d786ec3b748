namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>Hand-made phpBB 3.3 (prosilver) pages, for sites that misbehave on purpose (loops, broken markup).</summary>
internal static class PhpbbMarkup
{
    public static string Board(IEnumerable<(string Href, string Title)> threads, string? next) => $"""
        <!DOCTYPE html><html><head><meta charset="utf-8" /><title>Board</title></head><body>
        <div class="pagination"><ul>{(next is null ? "" : $"<li class=\"arrow next\"><a class=\"button button-icon-only\" href=\"{next}\" rel=\"next\" role=\"button\">Next</a></li>")}</ul></div>
        <ul class="topiclist topics">
        {string.Concat(threads.Select(t => $"<li class=\"row bg1\"><dl class=\"row-item\"><dt><div class=\"list-inner\"><a href=\"{t.Href}\" class=\"topictitle\">{t.Title}</a></div></dt><dd class=\"posts\">1</dd></dl></li>\n"))}
        </ul></body></html>
        """;

    public static string Topic(IEnumerable<(int Id, string Html)> posts, string? next) => $"""
        <!DOCTYPE html><html><head><meta charset="utf-8" /><title>Topic</title></head><body>
        {string.Concat(posts.Select(p => $"<div id=\"p{p.Id}\" class=\"post has-profile bg2\"><div class=\"inner\"><div class=\"postbody\"><div id=\"post_content{p.Id}\"><p class=\"author\"><time datetime=\"2026-11-20T10:00:00+00:00\">Fri</time></p><div class=\"content\">{p.Html}</div></div></div></div></div>\n"))}
        <div class="pagination"><ul>{(next is null ? "" : $"<li class=\"arrow next\"><a class=\"button button-icon-only\" href=\"{next}\" rel=\"next\" role=\"button\">Next</a></li>")}</ul></div>
        </body></html>
        """;
}
