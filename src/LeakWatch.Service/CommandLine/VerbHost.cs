using System.CommandLine;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.CommandLine;

/// <summary>
/// How a short-lived verb runs: the same host and configuration as the service, options validated before anything
/// happens, the key checked against the database, and expected failures turned into one plain message and an exit code.
/// </summary>
internal static class VerbHost
{
    public delegate Task<int> VerbAction(ParseResult parse, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken);

    /// <summary>Adds an action to <paramref name="command"/> that runs <paramref name="action"/> inside the LeakWatch host.</summary>
    /// <param name="failureExitCode">For verbs whose exit codes follow grep (0 nothing found, 1 found): every failure exits with 2.</param>
    public static void SetAction(Command command, IReadOnlyList<string> configArgs, VerbAction action, int? failureExitCode = null) =>
        command.SetAction((parse, ct) => RunAsync(configArgs, parse, action, ct, failureExitCode));

    public static async Task<int> RunAsync(IReadOnlyList<string> configArgs, ParseResult parse, VerbAction action, CancellationToken cancellationToken, int? failureExitCode = null)
    {
        var console = VerbConsole.From(parse);
        try
        {
            var builder = LeakWatchHost.CreateBuilder(configArgs);
            using var host = builder.Build();
            // The service validates on start; a verb never starts the host, so it asks for the same checks here.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.Services.GetRequiredService<KeyProvider>().VerifyIfPresentAsync(cancellationToken);
            return await action(parse, host.Services, console, cancellationToken);
        }
        catch (Exception e) when (Describe(e) is { } failure)
        {
            await console.Error.WriteLineAsync(failure.Message);
            return failureExitCode ?? failure.ExitCode;
        }
    }

    /// <summary>The message and exit code of an expected failure; null for a bug, which keeps its stack trace.</summary>
    internal static (string Message, int ExitCode)? Describe(Exception exception) => exception switch
    {
        LeakWatchException e => ("leakwatch: " + e.Message, e.ExitCode),
        OptionsValidationException e => ("leakwatch: bad configuration: " + string.Join("; ", e.Failures), ExitCodes.BadConfiguration),
        // The configuration binder's own complaint ("Failed to convert configuration value at 'LeakWatch:...'") names the setting.
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            ("leakwatch: bad configuration: " + e.Message, ExitCodes.BadConfiguration),
        AggregateException { InnerExceptions.Count: 1 } e => Describe(e.InnerException!),
        Detection.NoEnrollmentException e => ("leakwatch: " + e.Message, ExitCodes.Failure),
        OperationCanceledException => ("leakwatch: cancelled.", ExitCodes.Failure),
        SqliteException e => ("leakwatch: " + StorageFailure.Describe(e), ExitCodes.Failure),
        IOException e when StorageFailure.IsDiskFull(e) =>
            ("leakwatch: the disk is full; nothing was changed. Free space on the file system of the data folder (LeakWatch:DataDirectory) and run the command again.", ExitCodes.Failure),
        UnauthorizedAccessException =>
            ("leakwatch: a file or folder LeakWatch needs cannot be written or read by this account (data folder, key file or input); check its owner and permissions.", ExitCodes.Failure),
        _ => null,
    };
}
