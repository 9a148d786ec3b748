using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Crawling;

/// <summary>Crawling's log events: source names, URLs, counts, durations. Never content.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Crawl of {Source} started")]
    public static partial void RunStarted(ILogger logger, string source);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Crawl of {Source} finished in {DurationMs} ms, {Status}: {Requests} requests, {Documents} documents scanned, {Matches} matches, {Errors} errors, {NotSent} not sent (circuit open), {Refused} links refused")]
    public static partial void RunFinished(ILogger logger, string source, string status, long durationMs, long requests, long documents, long matches, long errors,
        long notSent, long refused);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Crawl of {Source} failed: {Reason}")]
    public static partial void RunFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Crawl of {Source} stopped by an unexpected error")]
    public static partial void RunCrashed(ILogger logger, string source, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{Source}: {Url}: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string source, string url, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "{Source}: {Url}: {Reason}")]
    public static partial void FetchWarning(ILogger logger, string source, string url, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "{Source}: {Count} patients matched in {Url}")]
    public static partial void DocumentMatched(ILogger logger, string source, int count, string url);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Refused to connect to {Host}: {Reason} address")]
    public static partial void AddressBlocked(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "{Source}: body of {Url} cut at {Limit} bytes")]
    public static partial void BodyTruncated(ILogger logger, string source, string url, long limit);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Scheduled crawl of {Source} ({Schedule})")]
    public static partial void Scheduled(ILogger logger, string source, string schedule);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Crawl of {Source} skipped: a run of it is still going")]
    public static partial void AlreadyRunning(ILogger logger, string source);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Crawl of {Source}: {Skipped}")]
    public static partial void RequestsSkipped(ILogger logger, string source, string skipped);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Crawl of {Source}: {Links} refused links asked again, their refusal being older than {Expiry}")]
    public static partial void RefusalsRetried(ILogger logger, string source, long links, TimeSpan expiry);
}
