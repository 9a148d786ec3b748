using System.CommandLine;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Hosting;

/// <summary><c>leakwatch run</c>: the unattended service. Runs until stopped.</summary>
internal static class RunVerb
{
    public static Command Create(IReadOnlyList<string> configArgs)
    {
        var command = new Command("run", "Run the service: scheduled crawls, detection and alerts, until stopped.");
        command.SetAction((parse, ct) => RunAsync(configArgs, parse, ct));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> configArgs, ParseResult parse, CancellationToken cancellationToken)
    {
        var console = VerbConsole.From(parse);
        try
        {
            var builder = LeakWatchHost.CreateBuilder(configArgs, asService: true);
            using var host = builder.Build();
            // Checked before the host starts, so a bad setting or a wrong key is one clear line, not a failed start.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.Services.GetRequiredService<ServiceStartup>().PrepareAsync(cancellationToken);
            await host.RunAsync(cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception e) when (VerbHost.Describe(e) is { } failure && e is not OperationCanceledException)
        {
            await console.Error.WriteLineAsync(failure.Message);
            return failure.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }
}
