namespace LeakWatch.Service.Crawling.Sources;

/// <summary>One place to watch, as configured under <c>LeakWatch:Sources</c>. Checked at start by <see cref="SourcesValidator"/>.</summary>
internal sealed class SourceOptions
{
    /// <summary>Unique; names the Quartz job, the crawl state and the health row.</summary>
    public string Name { get; set; } = "";

    /// <summary>forum, discourse, paste-archive, gists, telegram, feed or urls.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Start URL(s): a forum's board, a paste listing, a feed, a channel preview, the list of URLs.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>Quartz cron (seconds first). Default: at minute 17 of every hour.</summary>
    public string Schedule { get; set; } = "0 17 * * * ?";

    public bool Enabled { get; set; } = true;

    /// <summary>Forum software preset: mybb, phpbb, xenforo, vbulletin, smf, flarum. Selectors override it one by one.</summary>
    public string? Preset { get; set; }

    public SelectorOptions Selectors { get; set; } = new();

    /// <summary>
    /// Forums: boards found on an index to crawl, by title (as the index shows it) or URL; empty = every board found.
    /// Boards given as start URLs are always crawled.
    /// </summary>
    public List<string> Boards { get; set; } = [];

    /// <summary>Forums: boards found on an index not to crawl, by title or URL.</summary>
    public List<string> ExcludeBoards { get; set; } = [];

    /// <summary>Listing pages followed per run (board pages, archive pages, channel pages), per board.</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>Threads (topics, pastes, items) opened per run, per board.</summary>
    public int MaxThreads { get; set; } = 50;

    /// <summary>Pages of one thread read per run.</summary>
    public int MaxThreadPages { get; set; } = 20;

    /// <summary>Link hops from a post to what it links (attachments, pastes); 0 = none.</summary>
    public int MaxDepth { get; set; } = 1;

    /// <summary>
    /// Forums: posts older than this (by the <c>PostDate</c> selector; a date that does not parse is never old) are not
    /// scanned, nor their attachments fetched: a first crawl of a large board need not read ten years of it. Empty = all.
    /// </summary>
    public TimeSpan? MaxPostAge { get; set; }

    /// <summary>At most one request per this interval to a host, shared with the other sources on that host.</summary>
    public TimeSpan RequestInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>http://host:port or socks5://host:port (Tor: socks5://127.0.0.1:9050).</summary>
    public string? Proxy { get; set; }

    /// <summary>obey (default) or ignore.</summary>
    public string Robots { get; set; } = "obey";

    /// <summary>Hosts, besides the start URLs' own, whose links are followed (file hosts, paste sites). "*" = any public host.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Lets the source's own hosts (start URLs and <see cref="AllowedHosts"/>) resolve to loopback or private addresses:
    /// an intranet forum, or tests on loopback. Other hosts reached by links or redirects stay public-only.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>
    /// paste-archive: raw text URL of a paste, <c>{id}</c> being the last path segment of its link, resolved against the
    /// listing's URL. Default <c>raw/{id}</c> (beside the listing: /raw/ID for /archive, /paste/raw/ID for /paste/archive).
    /// </summary>
    public string? RawUrlTemplate { get; set; }

    /// <summary>gists: API base URL (default https://api.github.com).</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>gists: file holding a token, or the name of an environment variable holding it.</summary>
    public string? TokenFile { get; set; }

    public string? TokenEnvironmentVariable { get; set; }

    /// <summary>Extra phrases that mark a 200 answer as an error page (besides the built-in ones).</summary>
    public List<string> ErrorPhrases { get; set; } = [];

    public bool IgnoresRobots => string.Equals(Robots, "ignore", StringComparison.OrdinalIgnoreCase);
}

/// <summary>CSS selectors of a forum (AngleSharp). Null means "the preset's".</summary>
internal sealed class SelectorOptions
{
    /// <summary>Links to threads on a board page.</summary>
    public string? ThreadLinks { get; set; }

    /// <summary>A thread's row on a board page (its text changes when a reply comes: replies, last post).</summary>
    public string? ThreadRows { get; set; }

    /// <summary>One post (the element whose id identifies it).</summary>
    public string? Posts { get; set; }

    /// <summary>The text of a post, inside <see cref="Posts"/>.</summary>
    public string? PostBody { get; set; }

    public string? PostDate { get; set; }

    /// <summary>Attachment links, inside <see cref="Posts"/>.</summary>
    public string? Attachments { get; set; }

    /// <summary>The next page link (board or thread).</summary>
    public string? NextPage { get; set; }

    /// <summary>Links to boards on a forum's index (or a board's sub-boards).</summary>
    public string? BoardLinks { get; set; }

    /// <summary>Inside a thread's row: what changes when a reply is posted (reply count, last post), never a view counter.</summary>
    public string? ThreadChange { get; set; }

    /// <summary>paste-archive: links to pastes on the listing page.</summary>
    public string? PasteLinks { get; set; }
}
