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
    private string? _text;

    public bool IsHtml => MediaType is null
        ? Body.AsSpan(0, Math.Min(Body.Length, 512)).IndexOf("<html"u8) >= 0 || Body.AsSpan(0, Math.Min(Body.Length, 512)).IndexOf("<!DOCTYPE"u8) >= 0
        : MediaType.Contains("html", StringComparison.OrdinalIgnoreCase);

    public string Text => _text ??= TextDecoding.Decode(Body, Charset);

    public static FetchResult Fail(Uri url, Uri finalUrl, int status, string reason) =>
        new(url, finalUrl, FetchOutcome.Failed, status, [], null, null, null, null, reason);
}

/// <summary>Validators from the previous fetch of a URL, for a conditional request.</summary>
internal sealed record Validators(string? ETag, string? LastModified, string? ContentSha256);

/// <summary>How one source fetches: built from its configuration at the start of each run.</summary>
internal sealed record FetchPolicy(
    string SourceName,
    ConnectionProfile Connection,
    TimeSpan Interval,
    bool ObeyRobots,
    bool UsesProxy,
    IReadOnlySet<string> PrivateHosts)
{
    public bool AllowsPrivate(string host) => PrivateHosts.Contains(host);
}
