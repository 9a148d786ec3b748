namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// robots.txt as RFC 9309 reads it: groups of user-agent lines with allow/disallow rules; the crawler obeys the groups
/// naming its product token (case-insensitive), else the <c>*</c> groups; the longest matching rule wins, allow on a
/// tie; <c>*</c> matches any run of characters and a final <c>$</c> anchors the end.
/// </summary>
internal sealed class RobotsRules
{
    private readonly List<(bool Allow, string Pattern)> _rules;

    private RobotsRules(List<(bool, string)> rules) => _rules = rules;

    public static RobotsRules AllowAll { get; } = new([]);

    public static RobotsRules DisallowAll { get; } = new([(false, "/")]);

    public int Count => _rules.Count;

    public static RobotsRules Parse(string text, string productToken)
    {
        var mine = new List<(bool, string)>();
        var star = new List<(bool, string)>();
        var matchedMine = false;
        var agents = new List<string>();
        var inRules = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine;
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "user-agent":
                    if (inRules) { agents.Clear(); inRules = false; }
                    agents.Add(value);
                    break;
                case "allow" or "disallow":
                    inRules = true;
                    if (value.Length == 0) break; // "Disallow:" with nothing is no rule
                    var rule = (key == "allow", value);
                    if (agents.Any(a => string.Equals(a, productToken, StringComparison.OrdinalIgnoreCase))) { mine.Add(rule); }
                    if (agents.Contains("*")) star.Add(rule);
                    break;
                default:
                    // sitemap, crawl-delay and others end nothing and start nothing.
                    break;
            }
            if (key == "user-agent" && string.Equals(value, productToken, StringComparison.OrdinalIgnoreCase)) matchedMine = true;
        }
        return new RobotsRules(matchedMine ? mine : star);
    }

    /// <param name="pathAndQuery">The URL's path and query, as sent (percent-encoded).</param>
    public bool IsAllowed(string pathAndQuery)
    {
        if (pathAndQuery == "/robots.txt") return true;
        var bestLength = -1;
        var allowed = true;
        foreach (var (allow, pattern) in _rules)
        {
            if (!Matches(pattern, pathAndQuery)) continue;
            if (pattern.Length > bestLength || (pattern.Length == bestLength && allow))
            {
                bestLength = pattern.Length;
                allowed = allow;
            }
        }
        return allowed;
    }

    internal static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        if (anchored) pattern = pattern[..^1];
        return Match(pattern.AsSpan(), path.AsSpan(), anchored);
    }

    // Wildcard matching with a single backtrack point: linear-ish, whatever a hostile robots.txt holds.
    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s, bool anchored)
    {
        int pi = 0, si = 0, starP = -1, starS = 0;
        while (true)
        {
            if (pi == p.Length)
            {
                if (!anchored || si == s.Length) return true;
            }
            else if (p[pi] == '*')
            {
                starP = pi++;
                starS = si;
                continue;
            }
            else if (si < s.Length && p[pi] == s[si])
            {
                pi++;
                si++;
                continue;
            }
            if (starP < 0 || starS >= s.Length) return false;
            pi = starP + 1;
            si = ++starS;
        }
    }
}
