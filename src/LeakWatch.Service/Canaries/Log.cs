using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Canaries;

/// <summary>Canaries' log lines: systems and counts; never a canary's value.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Made {Count} canaries for system {System} ({Regenerated} drawn again: they shared a value with a patient or a canary)")]
    public static partial void CanariesCreated(ILogger logger, int count, string system, int regenerated);
}
