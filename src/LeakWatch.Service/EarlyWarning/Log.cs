using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.EarlyWarning;

/// <summary>Early warning's log lines: term names, sources, URLs and counts; never the text around a term.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Watched term {Term}: its pattern ran out of time on a document and was taken as not matching (LeakWatch:EarlyWarning:RegexTimeout)")]
    public static partial void PatternTimedOut(ILogger logger, string term);
}
