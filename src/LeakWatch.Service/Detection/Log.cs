using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Detection;

/// <summary>Detection's log lines: document names, counts and durations; never a value read from a document.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Fingerprint index loaded: {Patients} patients, {Linked} linked fingerprints, {Members} set members in {ElapsedMs} ms")]
    public static partial void IndexLoaded(ILogger logger, int patients, long linked, long members, long elapsedMs);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Scanned {Document}: {Records} records, {Patients} patients matched, {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void Scanned(ILogger logger, string document, long records, int patients, long bytes, long elapsedMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Skipped {Document}: {Reason}")]
    public static partial void Skipped(ILogger logger, string document, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Could not read {Document}: {Reason}")]
    public static partial void Unreadable(ILogger logger, string document, string reason);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Re-keyed the bare SHA-256 content hashes of an older version: {Hashes} hashes, {Names} URLs with masked entry names, {Alerts} outbox alerts")]
    public static partial void LegacyHashesRekeyed(ILogger logger, long hashes, int names, int alerts);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Could not re-key the bare content hashes of an older version now (SQLite error {Code}: disk full or read-only); they match nothing until the next start with the key")]
    public static partial void LegacyHashesNotRekeyed(ILogger logger, int code);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Enrollment {Enrollment} replaced enrollment {Read} while the index was being loaded (attempt {Attempt}): canaries and index read again together")]
    public static partial void EnrollmentChangedWhileLoading(ILogger logger, long read, long enrollment, int attempt);
}
