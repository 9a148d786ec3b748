namespace LeakWatch.Service.CommandLine;

/// <summary>
/// An expected failure the user can fix (wrong key, missing file, unusable export): the verb prints the message and
/// exits with <see cref="ExitCode"/>, without a stack trace. Messages never carry patient values or key material.
/// </summary>
/// Not sealed: a refusal that carries counts for the summary (an enrollment refused) is one.
internal class LeakWatchException : Exception
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

/// <summary>
/// The one meaning of each exit code, for every verb (README, "Exit codes"). 1 only ever means "found", so that a
/// script running <c>scan</c> or <c>crawl</c> cannot take a mistake for a leak, nor a leak for a mistake.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done; for scan and crawl, everything was read whole and nothing was found.</summary>
    public const int Success = 0;
    /// <summary>scan, crawl: patients of ours were found (whatever else happened; the partial part is reported).</summary>
    public const int Found = 1;
    /// <summary>
    /// Usage, configuration or environment error, or a refusal: the verb did not do its job and changed nothing
    /// (unknown verb or option, bad value, wrong key, unreadable export, refused enrollment, full disk). The message
    /// names the cause and the remedy.
    /// </summary>
    public const int BadConfiguration = 2;
    /// <summary>The verb could not do its job: the same code as <see cref="BadConfiguration"/>, never 1 ("found").</summary>
    public const int Failure = BadConfiguration;
    /// <summary>
    /// Some input could not be read whole (a refused archive, a truncated file, a device, a source that failed,
    /// rows of an export that could not be read) and nothing was found; what was not read is reported.
    /// </summary>
    public const int Partial = 3;
}
