using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Crawling.Http;

internal enum FetchOutcome
{
    Ok,
    /// <summary>304, or a body whose hash is the one stored: nothing new.</summary>
    NotModified,
    Failed,
    /// <summary>A 3xx with a Location (<see cref="FetchResult.FinalUrl"/>): the fetcher follows it; callers never see it.</summary>
    Redirect,
}

/// <summary>What came back for one URL. A failure is a value with a reason that carries no content.</summary>
internal sealed record FetchResult(
    Uri Url,
    Uri FinalUrl,
    FetchOutcome Outcome,
    int StatusCode,
    byte[] Body,
    string? MediaType,
    string? Charset,
    string? ETag,
    string? LastModified,
    string? Failure,
    string? Truncated = null)
{
    private FetchedDocument? _document;

    /// <summary>
    /// The request was refused for good (an address the guard refuses, robots.txt, a scheme, 401/403/404/410): an outcome
    /// for a linked file, not a failure worth retrying.
    /// </summary>
    public bool Refused { get; init; }

    /// <summary>Not sent: the source's circuit for the host was open.</summary>
    public bool NotSent { get; init; }

    /// <summary>The body as detection takes it: decoded once (for links and for the scan), hashed once.</summary>
    public FetchedDocument Document => _document ??= new FetchedDocument(Body, MediaType, Charset);

    public bool IsHtml => Document.IsHtml;

    public string Text => Document.Text;

    public static FetchResult Fail(Uri url, Uri finalUrl, int status, string reason) =>
        new(url, finalUrl, FetchOutcome.Failed, status, [], null, null, null, null, reason);

    public static FetchResult Refuse(Uri url, Uri finalUrl, int status, string reason) => Fail(url, finalUrl, status, reason) with { Refused = true };
}

/// <summary>Validators from the previous fetch of a URL, for a conditional request, and what became of it.</summary>
/// <param name="ContentHash">The keyed content hash of the body last read (<see cref="Detection.ContentHashes"/>).</param>
internal sealed record Validators(string? ETag, string? LastModified, string? ContentHash, string? Outcome = null)
{
    /// <summary>A linked URL that was cut (too large, too slow) is asked again only when the server can say it changed.</summary>
    public bool MayHaveChanged => Outcome == "cut" && (ETag is not null || LastModified is not null);
}

/// <summary>How one source fetches: built from its configuration at the start of each run.</summary>
internal sealed record FetchPolicy(
    string SourceName,
    ConnectionProfile Connection,
    TimeSpan Interval,
    bool ObeyRobots,
    bool UsesProxy,
    IReadOnlySet<string> PrivateHosts)
{
    /// <summary>The run's cookies (sessions the forum hands out), in memory only: never logged, never stored.</summary>
    public System.Net.CookieContainer Cookies { get; } = new();

    public bool AllowsPrivate(string host) => PrivateHosts.Contains(host);
}
