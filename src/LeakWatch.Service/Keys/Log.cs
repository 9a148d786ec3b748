using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Keys;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "No key was found: generated a new key {KeyId} in {Path} (readable by this account only). Keep a copy apart from the data folder: without it the fingerprints cannot be used.")]
    public static partial void KeyGenerated(ILogger logger, string keyId, string path);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Using key {KeyId} from {Source}")]
    public static partial void KeyLoaded(ILogger logger, string keyId, string source);
}
