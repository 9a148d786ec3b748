using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace LeakWatch.Service.CommandLine;

/// <summary>
/// The host every verb runs in, as the top of the program (<c>Hosting/</c>) builds it. Each verb's <c>Create</c>
/// receives one, so a feature never composes a host itself, and a caller in process (a test, a benchmark) changes the
/// hosts by handing the command line its own adjustments rather than through a static.
/// </summary>
internal abstract class VerbHost
{
    public delegate Task<int> VerbAction(ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken);

    /// <summary>A host builder with the whole configuration; the command line's overrides win over <paramref name="extraArgs"/>.</summary>
    /// <param name="asService">The long-running service (systemd / Windows service lifetimes, the scheduler); verbs are short-lived.</param>
    public abstract HostApplicationBuilder CreateBuilder(IReadOnlyList<string>? extraArgs = null, bool asService = false);

    /// <summary>Where the verb of <paramref name="parse"/> reads and writes.</summary>
    public abstract VerbConsole Console(ParseResult parse);

    /// <summary>
    /// Runs <paramref name="action"/> in a host built for a verb: options validated before anything happens, the key
    /// checked against the database, and expected failures turned into one plain message and an exit code.
    /// </summary>
    /// <param name="failureExitCode">For verbs whose exit codes follow grep (0 nothing found, 1 found): every failure exits with 2.</param>
    public abstract Task<int> RunAsync(ParseResult parse, VerbAction action, CancellationToken cancellationToken, int? failureExitCode = null);

    /// <summary>The message and exit code of an expected failure; null for a bug, which keeps its stack trace.</summary>
    public abstract (string Message, int ExitCode)? Describe(Exception exception);

    /// <summary>Makes <paramref name="command"/> run <paramref name="action"/> through <see cref="RunAsync"/>.</summary>
    public void SetAction(Command command, VerbAction action, int? failureExitCode = null) =>
        command.SetAction((parse, ct) => RunAsync(parse, action, ct, failureExitCode));
}
