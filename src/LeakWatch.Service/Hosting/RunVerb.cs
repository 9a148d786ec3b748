using System.CommandLine;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Hosting;

/// <summary><c>leakwatch run</c>: the unattended service. Runs until stopped.</summary>
internal static class RunVerb
{
    public static Command Create(VerbHost verbHost)
    {
        var command = new Command("run", "Run the service: scheduled crawls, detection and alerts, until stopped.");
        command.SetAction((parse, ct) => RunAsync(verbHost, parse, ct));
        return command;
    }

    public static async Task<int> RunAsync(VerbHost verbHost, ParseResult parse, CancellationToken cancellationToken)
    {
        var console = verbHost.Console(parse);
        try
        {
            var builder = verbHost.CreateBuilder(asService: true);
            using var host = builder.Build();
            // Checked before the host starts, so a bad setting or a wrong key is one clear line, not a failed start.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.Services.GetRequiredService<ServiceStartup>().PrepareAsync(cancellationToken);
            await host.RunAsync(cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception e) when (verbHost.Describe(e) is { } failure && e is not OperationCanceledException)
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
