using System.Text.RegularExpressions;

namespace LeakWatch.Service.Crawling;

/// <summary>
/// One spelling per page, so that state keyed by URL survives a forum's session tokens: phpBB adds <c>sid=</c> to every
/// link for a visitor without cookies, vBulletin <c>s=</c> (32 hex), PHP <c>PHPSESSID=</c>. Fragments go too.
/// </summary>
internal static partial class UrlCanonical
{
    public static string Normalize(Uri url)
    {
        var builder = new UriBuilder(url) { Fragment = "" };
        if (builder.Query.Length > 1)
        {
            var kept = builder.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !IsSession(p));
            builder.Query = string.Join('&', kept);
        }
        if ((builder.Scheme == "http" && builder.Port == 80) || (builder.Scheme == "https" && builder.Port == 443)) builder.Port = -1;
        return builder.Uri.AbsoluteUri;
    }

    public static Uri Clean(Uri url) => new(Normalize(url));

    private static bool IsSession(string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        var name = eq < 0 ? pair : pair[..eq];
        var value = eq < 0 ? "" : pair[(eq + 1)..];
        return name.Equals("sid", StringComparison.OrdinalIgnoreCase) ||
               name.Equals("PHPSESSID", StringComparison.OrdinalIgnoreCase) ||
               (name == "s" && Hex32().IsMatch(value));
    }

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex Hex32();
}
