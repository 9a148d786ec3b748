using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Enrollment;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Enrolling {FileName}")]
    public static partial void EnrollmentStarted(ILogger logger, string fileName);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Enrolled {Patients} patients: {Linked} linked fingerprints, {SetMembers} set members, {Skipped} rows skipped, in {Seconds:F1} s")]
    public static partial void EnrollmentDone(ILogger logger, int patients, long linked, long setMembers, long skipped, double seconds);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "The new enrollment falls under the refusal rules (LeakWatch:Enrollment); forced: {Forced}")]
    public static partial void EnrollmentRefused(ILogger logger, bool forced);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "{Patients} enrolled patients share a {Kind} with a canary of system {System}: that value counts for the patient only; make new canaries for the system")]
    public static partial void CanaryCollision(ILogger logger, long patients, string kind, string system);
}
