using System.CommandLine;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Hosting;

/// <summary>The LeakWatch host for verbs: the same host and configuration as the service (<see cref="LeakWatchHost"/>).</summary>
/// <param name="configArgs">The <c>--LeakWatch:Setting=value</c> overrides from the command line.</param>
/// <param name="configureHost">Applied to every host built, after the features (an in-process caller's adjustments).</param>
/// <param name="input">Standard input for the verbs that read it; null for the process's own.</param>
internal sealed class LeakWatchVerbHost(IReadOnlyList<string> configArgs, Action<HostApplicationBuilder>? configureHost, TextReader? input) : VerbHost
{
    public override HostApplicationBuilder CreateBuilder(IReadOnlyList<string>? extraArgs = null, bool asService = false) =>
        LeakWatchHost.CreateBuilder([.. extraArgs ?? [], .. configArgs], asService, configureHost);

    public override VerbConsole Console(ParseResult parse) => VerbConsole.From(parse, input);

    public override async Task<int> RunAsync(ParseResult parse, VerbAction action, CancellationToken cancellationToken, int? failureExitCode = null)
    {
        var console = Console(parse);
        try
        {
            using var host = CreateBuilder().Build();
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

    public override (string Message, int ExitCode)? Describe(Exception exception) => exception switch
    {
        LeakWatchException e => ("leakwatch: " + e.Message, e.ExitCode),
        OptionsValidationException e => ("leakwatch: bad configuration: " + string.Join("; ", e.Failures), ExitCodes.BadConfiguration),
        // The configuration binder's own complaint ("Failed to convert configuration value at 'LeakWatch:...'") names the setting.
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            ("leakwatch: bad configuration: " + e.Message, ExitCodes.BadConfiguration),
        // Every section with a bad setting, at once (the start-up check validates them all).
        AggregateException e when e.InnerExceptions.All(i => i is OptionsValidationException) =>
            ("leakwatch: bad configuration: " + string.Join("; ", e.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures).Distinct()), ExitCodes.BadConfiguration),
        AggregateException { InnerExceptions.Count: 1 } e => Describe(e.InnerException!),
        NoEnrollmentException e => ("leakwatch: " + e.Message, ExitCodes.Failure),
        OperationCanceledException => ("leakwatch: cancelled.", ExitCodes.Failure),
        SqliteException e => ("leakwatch: " + StorageFailure.Describe(e), ExitCodes.Failure),
        Npgsql.NpgsqlException e => ("leakwatch: " + StorageFailure.Describe(e), ExitCodes.Failure),
        IOException e when StorageFailure.IsDiskFull(e) =>
            ("leakwatch: the disk is full; nothing was changed. Free space on the file system of the data folder (LeakWatch:DataDirectory) and run the command again.", ExitCodes.Failure),
        UnauthorizedAccessException =>
            ("leakwatch: a file or folder LeakWatch needs cannot be written or read by this account (data folder, key file or input); check its owner and permissions.", ExitCodes.Failure),
        _ => null,
    };
}
