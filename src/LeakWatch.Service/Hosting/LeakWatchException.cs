namespace LeakWatch.Service.Hosting;

/// <summary>
/// An expected failure the user can fix (wrong key, missing file, unusable export): the verb prints the message and
/// exits with <see cref="ExitCode"/>, without a stack trace. Messages never carry patient values or key material.
/// </summary>
internal sealed class LeakWatchException : Exception
{
    public LeakWatchException(string message, int exitCode = ExitCodes.Failure)
        : base(message) => ExitCode = exitCode;

    public LeakWatchException()
        : this("LeakWatch stopped.")
    {
    }

    public LeakWatchException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = ExitCodes.Failure;

    public int ExitCode { get; }
}

internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The verb could not do its job (wrong key, unreadable file, nothing to enroll).</summary>
    public const int Failure = 1;
    /// <summary>scan, crawl: patients of ours were found (whatever else happened; the partial part is reported).</summary>
    public const int Found = 1;
    /// <summary>The configuration or the command line is wrong; the message names the setting.</summary>
    public const int BadConfiguration = 2;
    /// <summary>Some input could not be read whole (a refused archive, a source that failed) and nothing was found.</summary>
    public const int Partial = 3;
}
