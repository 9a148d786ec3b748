using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Accounts;

/// <summary>Accounts' log events: user names and counts, never a password or a token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Console user {User} added with role {Role} by {Actor}")]
    public static partial void UserAdded(ILogger logger, string user, string role, string actor);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Console user {User} reset by {Actor}: one-time password, sessions ended")]
    public static partial void UserReset(ILogger logger, string user, string actor);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Console user {User} disabled by {Actor}")]
    public static partial void UserDisabled(ILogger logger, string user, string actor);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Console sign-in failed for {User}: {Reason}")]
    public static partial void SignInFailed(ILogger logger, string user, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Console user {User} locked out after {Failures} failed sign-ins")]
    public static partial void LockedOut(ILogger logger, string user, long failures);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Console sign-in from {Address} refused (429) on {Path}: more than {Attempts} attempts in {Window}")]
    public static partial void SignInThrottled(ILogger logger, string address, string path, int attempts, TimeSpan window);
}
