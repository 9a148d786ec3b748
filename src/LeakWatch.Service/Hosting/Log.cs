using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "LeakWatch starting: data folder {DataDirectory}, database {DatabasePath} ({Created}), key {KeyId} from {KeySource}")]
    public static partial void Starting(ILogger logger, string dataDirectory, string databasePath, string created, string keyId, string keySource);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "No patients enrolled: nothing can be matched yet. Run `leakwatch enroll FILE` with the lab's patient export.")]
    public static partial void NoPatients(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Patients} patients enrolled on {EnrolledAt:u} from {FileName}")]
    public static partial void Enrolled(ILogger logger, int patients, DateTimeOffset enrolledAt, string fileName);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "No sources configured to crawl (none enabled): nothing will be crawled. Add or enable sources under LeakWatch:Sources in appsettings.json.")]
    public static partial void NoSources(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "{Sources} sources configured")]
    public static partial void Sources(ILogger logger, int sources);
}
